"""Stored outputs of reporting: the annual reports (PDF) users asked for."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AnnualReport(models.Model):
    """One PDF annual report of a place, in one language, made for the user who asked for it.

    It is built by a task (``tasks.annual_report_build``) with the requester's scope, so the figures and
    the small-cell rule are those of their dashboard (``disclosed``: small cells were hidden). The place is
    named by its level and code (no code for the nation), so that a new level needs no new column.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="annual_reports", verbose_name=_("requested by"))
    level = models.CharField(_("level"), max_length=16)
    place_code = models.CharField(_("place code"), max_length=16, blank=True)
    place_name = models.CharField(_("place"), max_length=200)
    school_year = models.CharField(_("school year"), max_length=9)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    disclosed = models.BooleanField(_("small cells hidden"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    step = models.PositiveSmallIntegerField(_("step"), default=0)
    steps = models.PositiveSmallIntegerField(_("steps"), default=0)
    figures_on = models.DateField(_("figures as of"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="reporting/annual/%Y/", blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="annual_report_requester")]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")

    def __str__(self):
        return f"{self.place_name} {self.school_year} ({self.language})"

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def level_label(self):
        from forsa.reporting.indicators import LEVEL_LABELS

        return LEVEL_LABELS.get(self.level, self.level)

    @property
    def filename(self):
        place = self.place_code.replace(".", "-") or "national"
        return f"annual-report-{self.level}-{place}-{self.school_year}-{self.language}.pdf"
