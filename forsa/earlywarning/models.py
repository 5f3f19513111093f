"""Early warning: the signals and risk of each learner, alerts, interventions, thresholds and the
trained risk models.

A score is advice to a named person, never a decision: an alert is assigned to a member of staff,
who records what was done and closes it with a reason. Reasons are stored as codes with their
figures (``{"code": "consecutive", "n": 4}``) and put into words in the reader's language.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from forsa.centers.models import Center
from forsa.core import scoping
from forsa.core.models import TimeStampedModel
from forsa.core.scoping import ScopedQuerySet
from forsa.learners.models import Learner


class Level(models.TextChoices):
    LOW = "low", _("low")
    WATCH = "watch", _("watch")
    HIGH = "high", _("high")


LEVEL_RANK = {Level.LOW: 0, Level.WATCH: 1, Level.HIGH: 2}


def level_order():
    """The level as a number (high 2, watch 1, low 0): worklists sort on it, and an index serves that sort."""
    return models.Case(models.When(level=Level.HIGH, then=models.Value(2)),
                       models.When(level=Level.WATCH, then=models.Value(1)), default=models.Value(0),
                       output_field=models.IntegerField())


class Threshold(TimeStampedModel):
    """When a learner is flagged: one national row (center empty) and optional centre overrides.

    The absence rules themselves (consecutive absences, minimum rate and the minimum of roll calls
    before the rate rule applies) stay attendance's AbsenceRule; these add what the early warning
    needs on top of them. Levels from the model's probability are
    national only (a centre cannot redefine "high"); a centre may set its own cap and minimum.
    """

    center = models.ForeignKey(Center, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("centre"), help_text=_("Empty for the national thresholds."))
    watch_probability = models.PositiveSmallIntegerField(
        _("probability of dropping out from which a learner is watched (%)"), default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    high_probability = models.PositiveSmallIntegerField(
        _("probability of dropping out from which the risk is high (%)"), default=40,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    high_cap = models.PositiveSmallIntegerField(
        _("most learners at high risk per centre (what its counsellors can follow)"), default=10,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    use_sensitive_data = models.BooleanField(
        _("use household data where consent covers it"), default=False,
        help_text=_("National only. Off by default: sensitive household data are not used."),
    )

    scope_rule = scoping.Rule(public=True)

    class Meta:
        verbose_name = _("early-warning thresholds")
        verbose_name_plural = _("early-warning thresholds")
        constraints = [
            models.UniqueConstraint(Coalesce("center", 0), name="one_threshold_per_centre_or_national"),
        ]

    def __str__(self):
        return str(self.center or _("national thresholds"))

    def clean(self):
        if self.high_probability <= self.watch_probability:
            raise ValidationError({"high_probability": _("The high threshold must be above the watch threshold.")})


class RiskModel(models.Model):
    """One trained statistical model (skops bytes) with its card. At most one is active."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    trained_at = models.DateTimeField(_("trained at"))
    period_from = models.DateField(_("training period from"))
    period_to = models.DateField(_("training period to"))
    n_samples = models.PositiveIntegerField(_("training samples"))
    artifact = models.BinaryField(_("model (skops)"))
    card = models.JSONField(_("model card"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=False)

    objects = ScopedQuerySet.as_manager()

    scope_rule = scoping.Rule(public=True)  # the card is public; rows hold no person

    class Meta:
        ordering = ["-version"]
        verbose_name = _("risk model")
        verbose_name_plural = _("risk models")
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_risk_model"),
        ]

    def __str__(self):
        return f"v{self.version}"


class LearnerRisk(models.Model):
    """The latest signals and risk of one learner (one row each, replaced by every scoring run).

    Written by the scoring run from the learners and centres it has just read, in the same transaction:
    as for the history (RiskScore), the database does not check those references again at commit (no
    foreign-key constraint: a first run checked and locked a million learners); Django still deletes a
    learner's or a centre's latest risk with them."""

    learner = models.OneToOneField(Learner, primary_key=True, on_delete=models.CASCADE, related_name="risk",
                                   db_constraint=False)
    # Copied from the learner's active enrolment: worklists filter and cap per centre (indexed by (centre, level)).
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", db_index=False,
                               db_constraint=False)
    as_of = models.DateField(_("as of"))
    signals = models.JSONField(_("signals"), default=dict)
    level = models.CharField(_("level"), max_length=5, choices=Level.choices, default=Level.LOW)
    probability = models.FloatField(_("probability of dropping out"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list)
    model_version = models.PositiveIntegerField(null=True, blank=True)
    # Level and reasons a week earlier, for "what changed since last week".
    previous_level = models.CharField(max_length=5, choices=Level.choices, blank=True)
    previous_reasons = models.JSONField(default=list)
    rank = models.PositiveIntegerField(default=0)  # order within the worklist (higher first)

    objects = ScopedQuerySet.as_manager()

    scope_rule = scoping.through("learner")

    class Meta:
        verbose_name = _("learner risk")
        verbose_name_plural = _("learner risks")
        indexes = [models.Index(fields=["center", "level"]), models.Index(fields=["level", "rank"]),
                   # the worklist's order (selectors.worklist), so that its first page is read, not sorted
                   models.Index(level_order().desc(), models.F("rank").desc(), "learner",
                                condition=Q(level__in=[Level.HIGH, Level.WATCH]), name="learnerrisk_worklist")]

    def __str__(self):
        return f"{self.learner_id} {self.level} ({self.as_of})"


class CenterRiskCount(models.Model):
    """How many learners of a centre the latest scoring run scored, and how many it put at high and at
    watch risk: written by ``services.risk_score_all`` in its transaction from the LearnerRisk rows it
    has just written, so that the counts per territory read one row per centre (1,667 at 1,000,000
    learners) instead of counting every learner's risk on each request."""

    center = models.OneToOneField(Center, primary_key=True, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField(_("as of"))
    scored = models.PositiveIntegerField(_("learners scored"), default=0)
    high = models.PositiveIntegerField(_("at high risk"), default=0)
    watch = models.PositiveIntegerField(_("at watch"), default=0)

    objects = ScopedQuerySet.as_manager()

    scope_rule = scoping.through("center")  # counts only: no person in a row

    class Meta:
        verbose_name = _("learners at risk in a centre")
        verbose_name_plural = _("learners at risk per centre")

    def __str__(self):
        return f"{self.center_id}: {self.high} high, {self.watch} watch / {self.scored} ({self.as_of})"


class RiskScore(models.Model):
    """The history of a learner's scores, one row per scoring day.

    A million rows are added by each daily run, their learner and centre read in the same transaction:
    the database does not check those references again at commit (no foreign-key constraint; Django
    still deletes a learner's or a centre's scores with them), and the learner and the centre are
    indexed by the unique (learner, day) and the (centre, day) indexes only."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="risk_scores", db_constraint=False,
                                db_index=False)
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                               db_index=False)
    as_of = models.DateField(_("as of"))
    level = models.CharField(_("level"), max_length=5, choices=Level.choices)
    probability = models.FloatField(_("probability of dropping out"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list)
    model_version = models.PositiveIntegerField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_rule = scoping.through("learner")

    class Meta:
        ordering = ["learner", "-as_of"]
        verbose_name = _("risk score")
        verbose_name_plural = _("risk scores")
        constraints = [models.UniqueConstraint(fields=["learner", "as_of"], name="one_score_per_learner_and_day")]
        indexes = [models.Index(fields=["center", "as_of"])]

    def __str__(self):
        return f"{self.learner_id} {self.level} ({self.as_of})"


class Alert(TimeStampedModel):
    """A learner at high risk, handed to a member of staff until closed with a reason."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class CloseReason(models.TextChoices):
        RESOLVED = "resolved", _("attendance back to normal")
        RETURNED = "returned", _("learner came back")
        EXITED = "exited", _("learner left the programme")
        FALSE_ALARM = "false_alarm", _("not a real risk")
        OTHER = "other", _("other")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="alerts")
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", editable=False)
    opened_on = models.DateField(_("opened on"))
    level = models.CharField(_("level"), max_length=5, choices=Level.choices, default=Level.HIGH)
    reasons = models.JSONField(_("reasons"), default=list)
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.OPEN)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="earlywarning_alerts", verbose_name=_("assigned to"))
    notified_on = models.DateField(null=True, blank=True)  # included in a daily digest
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    close_reason = models.CharField(_("reason for closing"), max_length=12, choices=CloseReason.choices,
                                    blank=True)
    close_note = models.CharField(_("note"), max_length=300, blank=True)

    scope_rule = scoping.through("learner")

    class Meta:
        ordering = ["-opened_on", "pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(fields=["learner"], condition=Q(status="open"), name="one_open_alert_per_learner",
                                    violation_error_message=_("This learner already has an open alert.")),
        ]
        indexes = [models.Index(fields=["center", "status"])]

    def __str__(self):
        return f"{self.learner} {self.opened_on}"


class Intervention(TimeStampedModel):
    """What someone did for a learner at risk, and what came of it."""

    class Kind(models.TextChoices):
        GUARDIAN_CALL = "guardian_call", _("call to the guardian")
        HOME_VISIT = "home_visit", _("home visit")
        COUNSELLING = "counselling", _("counselling session")
        REMEDIATION = "remediation", _("referral to remediation")
        WORKSHOP_CHANGE = "workshop_change", _("change of workshop")
        REFERRAL = "referral", _("referral to social or health services")
        OTHER = "other", _("other")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="interventions")
    alert = models.ForeignKey(Alert, null=True, blank=True, on_delete=models.SET_NULL, related_name="interventions",
                              verbose_name=_("alert"))
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", editable=False)
    kind = models.CharField(_("intervention"), max_length=16, choices=Kind.choices)
    date = models.DateField(_("date"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("done by"))
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    # A counsellor's confidential note: shown only to the roles of learner.sensitive, under consent.
    notes = models.TextField(_("confidential notes"), blank=True)

    scope_rule = scoping.through("learner")

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        indexes = [models.Index(fields=["center", "kind", "date"]), models.Index(fields=["learner", "date"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"
