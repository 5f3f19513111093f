"""Roll calls. Only absences and lateness are stored: presence is implied by group placements.

A national school year is then tens of millions of rows instead of hundreds. Each session
also keeps its counts (expected, absent, late) so that rates at any level are plain sums.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from forsa.centers.models import Center, Group
from forsa.core import scoping
from forsa.core.models import TimeStampedModel
from forsa.learners.models import Learner
from forsa.territory.models import Province, Region


class Slot(models.TextChoices):
    MORNING = "morning", _("morning")
    AFTERNOON = "afternoon", _("afternoon")
    EVENING = "evening", _("evening")


class Activity(models.TextChoices):
    CATCH_UP = "catch_up", _("catch-up class")
    WORKSHOP = "workshop", _("workshop")
    ACTIVITY = "activity", _("activity")


class Session(TimeStampedModel):
    """One roll call: a group, a date and a half-day, taken by someone at some time."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("group"))
    date = models.DateField(_("date"))
    slot = models.CharField(_("half-day"), max_length=10, choices=Slot.choices)
    activity = models.CharField(_("activity"), max_length=10, choices=Activity.choices)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    taken_at = models.DateTimeField(_("taken at"))
    # A key chosen by the client: resending the same roll over a bad connection changes nothing.
    client_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # Copied from the group's centre for scoping and rates at every level.
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+", editable=False)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+", editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    expected = models.PositiveIntegerField(default=0, editable=False)
    absent = models.PositiveIntegerField(default=0, editable=False)
    late = models.PositiveIntegerField(default=0, editable=False)

    scope_rule = scoping.through("center", group_staff="group__educators")

    class Meta:
        ordering = ["-date", "slot"]
        verbose_name = _("roll call")
        verbose_name_plural = _("roll calls")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "date", "slot"], name="one_roll_per_group_and_slot",
                violation_error_message=_("The roll of this group was already taken for this half-day."),
            )
        ]
        indexes = [
            models.Index(fields=["center", "date"]),
            models.Index(fields=["region", "date"]),
            models.Index(fields=["date"]),
        ]

    def __str__(self):
        return f"{self.group} {self.date} {self.get_slot_display()}"


class Absence(models.Model):
    """A learner absent or late at one session."""

    class Kind(models.TextChoices):
        ABSENT = "absent", _("absent")
        LATE = "late", _("late")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="absences")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    justified = models.BooleanField(_("justified"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["session", "learner"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [models.UniqueConstraint(fields=["session", "learner"], name="one_mark_per_learner")]
        indexes = [models.Index(fields=["learner", "session"])]

    def __str__(self):
        return f"{self.learner_id} {self.kind}"


class AbsenceRule(TimeStampedModel):
    """Thresholds of the absence rules: one national row, optional overrides per centre."""

    center = models.ForeignKey(
        Center, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text=_("Empty for the national rule."),
    )
    consecutive_absences = models.PositiveSmallIntegerField(
        _("consecutive absences"), default=3, validators=[MinValueValidator(2), MaxValueValidator(20)]
    )
    minimum_rate = models.PositiveSmallIntegerField(
        _("minimum attendance rate over 4 weeks (%)"), default=80, validators=[MinValueValidator(1),
                                                                              MaxValueValidator(100)]
    )
    minimum_sessions = models.PositiveSmallIntegerField(
        _("roll calls expected over 4 weeks before the rate rule applies"), default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    correction_days = models.PositiveSmallIntegerField(
        _("days during which a roll can be corrected"), default=7, validators=[MaxValueValidator(60)]
    )

    scope_rule = scoping.through("center")  # the national rule (no centre): national roles only

    class Meta:
        verbose_name = _("absence rule")
        verbose_name_plural = _("absence rules")
        constraints = [  # one row per centre, and a single national row (center empty)
            models.UniqueConstraint(Coalesce("center", 0), name="one_rule_per_centre_or_national"),
        ]

    def __str__(self):
        return str(self.center or _("national rule"))


class LearnerWeek(models.Model):
    """A learner's attendance in one school week, kept up by every roll call (``attendance.summary``).

    The early warning's daily run reads these few rows per learner instead of every learner × roll
    call. Counts per day are packed 8 bits a day (Monday in the low byte) in one integer per count, so
    that a window of days starting on any weekday is a sum of bytes; ``run_days`` holds the run of
    consecutive absences at the end of each day (255: count it from ``run_before`` and the week's
    absences); ``run_before``, ``expected_before`` and ``absent_before`` are as of the week's start,
    over the learner's whole history. Rebuilt for a learner whenever their roll calls or placements
    change; ``attendance_summary_rebuild`` rebuilds them all.
    """

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="+")
    week = models.IntegerField()  # the day number (days since Monday 3 January 2000) of its Monday
    expected_days = models.BigIntegerField(default=0)
    absent_days = models.BigIntegerField(default=0)
    late_days = models.BigIntegerField(default=0)
    unjustified_days = models.BigIntegerField(default=0)
    run_days = models.BigIntegerField(default=0)
    run_before = models.IntegerField(default=0)
    expected_before = models.IntegerField(default=0)
    absent_before = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("learner's attendance week")
        constraints = [models.UniqueConstraint(fields=["learner", "week"], name="one_summary_per_learner_week")]

    def __str__(self):
        return f"{self.learner_id} {self.week}"
