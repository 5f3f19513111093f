"""Basic skills: the competency framework, assessments and their results, remediation.

The framework is versioned: a published version is frozen, and editing means copying it into
a new draft that is then published (the previous one is retired). Assessments and results keep
pointing at the version they were taken under, so past results stay readable.
Competency codes are stable across versions: progress compares results by code.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forsa.centers.models import Center, Group
from forsa.core import scoping
from forsa.core.models import BilingualName, TimeStampedModel
from forsa.core.scoping import ScopedQuerySet
from forsa.learners.models import Learner, SchoolLevel

CODE = RegexValidator(r"^[A-Z0-9][A-Z0-9.-]{0,29}$", _("Use capital letters, digits, dots or dashes (at most 30)."))


class Framework(TimeStampedModel):
    """One version of the competency framework. Only one version is published at a time."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        RETIRED = "retired", _("retired")

    version = models.PositiveIntegerField(_("version"), unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    levels = models.PositiveSmallIntegerField(
        _("number of levels"), default=4, validators=[MinValueValidator(2), MaxValueValidator(6)],
        help_text=_("Levels run from 1 (lowest) to this number."),
    )
    notes = models.TextField(_("notes"), blank=True)

    scope_rule = scoping.Rule(public=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="published"), name="one_published_framework",
                violation_error_message=_("Another version of the framework is already published."),
            )
        ]

    def __str__(self):
        return _("Framework v%(version)s") % {"version": self.version}

    @property
    def is_frozen(self):
        return self.status != self.Status.DRAFT

    @property
    def level_range(self):
        return range(1, self.levels + 1)


class Pole(BilingualName):
    """Arabic, French, mathematics, life skills, vocational…"""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="poles")
    code = models.CharField(_("code"), max_length=30, validators=[CODE])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    scope_rule = scoping.Rule(public=True)

    class Meta:
        ordering = ["framework", "position", "code"]
        verbose_name = _("pole")
        verbose_name_plural = _("poles")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="pole_code_per_framework")]


class Domain(BilingualName):
    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, related_name="domains", verbose_name=_("pole"))
    code = models.CharField(_("code"), max_length=30, validators=[CODE])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    scope_rule = scoping.Rule(public=True)

    class Meta:
        ordering = ["pole", "position", "code"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        constraints = [models.UniqueConstraint(fields=["pole", "code"], name="domain_code_per_pole")]


class Competency(BilingualName):
    """A competency of a domain; its code is stable from one version of the framework to the next."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competencies", editable=False)
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="competencies",
                               verbose_name=_("domain"))
    code = models.CharField(_("code"), max_length=30, validators=[CODE])
    reference_level = models.CharField(
        _("reference school level"), max_length=6, choices=SchoolLevel.choices[1:-1],
        help_text=_("The school level at which the competency is expected to be acquired."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    scope_rule = scoping.Rule(public=True)

    class Meta:
        ordering = ["domain__pole__position", "domain__position", "position", "code"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="competency_code_per_framework",
                violation_error_message=_("This framework already has a competency with this code."),
            )
        ]


class LevelDescriptor(models.Model):
    """What a level means: for the whole scale (no competency) or for one competency."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="descriptors")
    competency = models.ForeignKey(Competency, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="descriptors")
    level = models.PositiveSmallIntegerField(_("level"), validators=[MinValueValidator(1), MaxValueValidator(6)])
    text_fr = models.CharField(_("description (French)"), max_length=300)
    text_ar = models.CharField(_("description (Arabic)"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_rule = scoping.Rule(public=True)

    class Meta:
        ordering = ["framework", "competency", "level"]
        verbose_name = _("level descriptor")
        verbose_name_plural = _("level descriptors")
        constraints = [
            models.UniqueConstraint(fields=["framework", "level"], condition=Q(competency__isnull=True),
                                    name="one_scale_descriptor_per_level"),
            models.UniqueConstraint(fields=["competency", "level"], condition=Q(competency__isnull=False),
                                    name="one_descriptor_per_competency_level"),
        ]

    def __str__(self):
        return f"{self.level} · {self.text}"

    @property
    def text(self):
        return self.text_ar if get_language() == "ar" and self.text_ar else self.text_fr


class Kind(models.TextChoices):
    DIAGNOSTIC = "diagnostic", _("diagnostic")
    PERIODIC = "periodic", _("periodic assessment")
    SUMMATIVE = "summative", _("end-of-stage assessment")


class Assessment(TimeStampedModel):
    """An assessment of a group on a date, under the framework version published that day."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("group"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"))
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="assessments", editable=False)
    competencies = models.ManyToManyField(Competency, related_name="assessments", verbose_name=_("competencies"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("assessed by"))
    # Copied from the group for scoping and indicators at every level.
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+", editable=False)

    scope_rule = scoping.through("center", group_staff="group__educators")

    class Meta:
        ordering = ["-date", "kind"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "kind", "date"], name="one_assessment_per_group_kind_day",
                violation_error_message=_("This group already has an assessment of this kind on this day."),
            )
        ]
        indexes = [models.Index(fields=["center", "date"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.group.name} · {self.date}"


class Result(models.Model):
    """A learner's level on a competency at an assessment, or their absence (which is not level 1)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="results")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="results")
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    absent = models.BooleanField(_("absent at the assessment"), default=False)

    objects = ScopedQuerySet.as_manager()

    scope_rule = scoping.through("assessment", holds_persons=True)

    class Meta:
        ordering = ["assessment", "learner", "competency"]
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "learner", "competency"], name="one_result_per_cell"),
            models.CheckConstraint(
                condition=Q(absent=True, level__isnull=True) | Q(absent=False, level__isnull=False),
                name="result_level_or_absent",
                violation_error_message=_("A result is either a level or an absence."),
            ),
        ]
        indexes = [models.Index(fields=["learner", "competency"])]

    def __str__(self):
        return f"{self.learner_id} {self.competency_id} {'abs' if self.absent else self.level}"


class RemediationGroup(TimeStampedModel):
    """Learners of a centre below a level on the same competencies, worked with together."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("in progress")
        CLOSED = "closed", _("closed")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+", verbose_name=_("centre"))
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("suggested from the group"))
    name = models.CharField(_("name"), max_length=120)
    competencies = models.ManyToManyField(Competency, related_name="+", verbose_name=_("competencies targeted"))
    learners = models.ManyToManyField(Learner, related_name="remediation_groups", verbose_name=_("learners"))
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("facilitator"))
    start_date = models.DateField(_("start date"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)

    scope_rule = scoping.through("center", holds_persons=True, group_staff="facilitator")

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("remediation group")
        verbose_name_plural = _("remediation groups")

    def __str__(self):
        return self.name


class RemediationSession(TimeStampedModel):
    remediation_group = models.ForeignKey(RemediationGroup, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    content = models.CharField(_("content"), max_length=300)
    attended = models.ManyToManyField(Learner, blank=True, related_name="+", verbose_name=_("attended"))
    follow_up = models.TextField(_("follow-up note"), blank=True)
    done = models.BooleanField(_("held"), default=False)

    scope_rule = scoping.through("remediation_group")

    class Meta:
        ordering = ["remediation_group", "date", "pk"]
        verbose_name = _("remediation session")
        verbose_name_plural = _("remediation sessions")

    def __str__(self):
        return f"{self.remediation_group} {self.date}"


BULLETIN_LANGUAGES = ("fr", "ar")  # a bulletin is for the learner and their guardian


class BulletinBatch(models.Model):
    """The bulletins of a group's learners in one PDF, in one language, made by a task
    (``tasks.bulletin_batch_build``) that counts the bulletins laid out as it goes (``done`` of ``total``).

    At most one batch of a group and language is queued or running at a time; the file is kept in MEDIA
    (served only through the download view, in scope).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    LANGUAGES = BULLETIN_LANGUAGES

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+", verbose_name=_("group"))
    language = models.CharField(_("language"), max_length=8, choices=[
        (code, name) for code, name in settings.LANGUAGES if code in BULLETIN_LANGUAGES])
    until = models.DateField(_("as of"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("requested by"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("bulletins made"), default=0)
    total = models.PositiveIntegerField(_("bulletins"), default=0)
    file = models.FileField(_("file"), upload_to="assessments/bulletins/%Y/", blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_rule = scoping.through("group", holds_persons=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("bulletins of a group")
        verbose_name_plural = _("bulletins of groups")
        constraints = [
            models.UniqueConstraint(fields=["group", "language"], condition=Q(status__in=["queued", "running"]),
                                    name="one_unfinished_bulletin_batch"),
        ]

    def __str__(self):
        return f"{self.group} ({self.language})"

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def filename(self):
        return f"bulletins-group-{self.group_id}-{self.until:%Y-%m-%d}-{self.language}.pdf"
