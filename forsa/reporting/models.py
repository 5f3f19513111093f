"""Stored outputs of reporting: the roll-ups of the indicators, and the annual reports (PDF) users
asked for.

Roll-ups: each figure of the catalogue per centre, kept for the dashboards.

A refresh (``services.rollups_refresh``, run daily by the task ``reporting_refresh``) computes every
indicator of the catalogue at the level of the centre for the whole country, for one school year (per
month for the monthly ones, per category for each breakdown), and replaces that year's cells in one
transaction. Pages then add up the cells of the centres a user may count (``selectors``): a region's
figure is the sum of its centres', rates recomputed from the summed numerators and denominators.
``Refresh`` says when a year was last computed: the date shown beside figures that may lag.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from forsa.centers.models import Center
from forsa.core import scoping


class CentreCell(models.Model):
    """One figure of one centre: an indicator, a school year (and month), a category of a breakdown."""

    indicator = models.CharField(_("indicator"), max_length=64)
    school_year = models.CharField(_("school year"), max_length=9)
    month = models.DateField(_("month"), null=True, blank=True)  # first day; None: the whole year
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+")
    breakdown = models.CharField(_("breakdown"), max_length=32, blank=True)  # "": the centre's total
    category = models.CharField(_("category"), max_length=32, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)  # counts (rates are recomputed)
    numerator = models.BigIntegerField(_("numerator"), null=True, blank=True)
    denominator = models.BigIntegerField(_("denominator"), null=True, blank=True)
    people = models.IntegerField(_("people"), default=0)
    denominator_people = models.IntegerField(_("people of the denominator"), null=True, blank=True)
    sessions = models.IntegerField(_("roll calls"), null=True, blank=True)  # attendance: roll calls counted

    objects = scoping.ScopedQuerySet.as_manager()
    # Cells are counts of a centre: counted by whoever counts that centre's rows (partners included).
    scope_rule = scoping.through("center", partners_see=True)

    class Meta:
        verbose_name = _("centre figure")
        verbose_name_plural = _("centre figures")
        indexes = [models.Index(fields=["school_year", "indicator", "breakdown", "month"])]

    def __str__(self):
        return f"{self.indicator} {self.school_year} {self.center_id} {self.category}"


class Refresh(models.Model):
    """One refresh of a school year's cells: when it finished, how long it took, how many cells."""

    school_year = models.CharField(_("school year"), max_length=9, db_index=True)
    finished_at = models.DateTimeField(_("finished at"))
    reference_day = models.DateField(_("reference day"))
    duration = models.FloatField(_("duration (seconds)"))
    rows = models.IntegerField(_("cells"))

    class Meta:
        verbose_name = _("refresh of the figures")
        verbose_name_plural = _("refreshes of the figures")
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"

    def __str__(self):
        return f"{self.school_year} {self.finished_at:%Y-%m-%d %H:%M}"


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
