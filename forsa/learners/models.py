"""The adolescents, their families and consent, and their way through the programme."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from forsa.centers.models import SCHOOL_YEAR, Center, Group, validate_school_year
from forsa.core import scoping
from forsa.core.models import TimeStampedModel
from forsa.learners.validators import CIN, MASSAR
from forsa.organizations.models import Association, moroccan_phone
from forsa.territory.models import Commune, Province, Region

massar_code = RegexValidator(
    MASSAR, _("A MASSAR code is one capital letter followed by 9 digits, e.g. J130045678.")
)
cin_number = RegexValidator(
    CIN, _("A CIN number is 1 or 2 capital letters followed by up to 6 digits, e.g. AB123456.")
)


def age_on(birth_date, day):
    """Age in whole years on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class Sex(models.TextChoices):
    FEMALE = "F", _("girl")
    MALE = "M", _("boy")


class SchoolLevel(models.TextChoices):
    NEVER = "never", _("never schooled")
    P1 = "P1", _("primary 1")
    P2 = "P2", _("primary 2")
    P3 = "P3", _("primary 3")
    P4 = "P4", _("primary 4")
    P5 = "P5", _("primary 5")
    P6 = "P6", _("primary 6")
    S1 = "S1", _("lower secondary 1")
    S2 = "S2", _("lower secondary 2")
    S3 = "S3", _("lower secondary 3")
    UPPER = "upper", _("upper secondary or beyond")


class LeftReason(models.TextChoices):
    ECONOMIC = "economic", _("economic")
    DISTANCE = "distance", _("distance to school")
    FAILURE = "failure", _("repeated failure")
    FAMILY = "family", _("family reasons")
    HEALTH = "health", _("health")
    EARLY_MARRIAGE = "early_marriage", _("early marriage")
    CHILD_LABOUR = "child_labour", _("child labour")
    BEHAVIOUR = "behaviour", _("behaviour")
    OTHER = "other", _("other")


class Referral(models.TextChoices):
    SCHOOL = "school", _("school")
    FAMILY = "family", _("family")
    OUTREACH = "outreach", _("association outreach")
    AUTHORITY = "authority", _("local authority")
    INDH = "indh", _("INDH")
    OTHER = "other", _("other")


class Orphanhood(models.TextChoices):
    NONE = "none", _("both parents alive")
    FATHER = "father", _("father deceased")
    MOTHER = "mother", _("mother deceased")
    BOTH = "both", _("both parents deceased")


class Learner(TimeStampedModel):
    """An adolescent's file. Placement fields are copied from the current enrolment for scoping."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("enrolled")
        EXITED = "exited", pgettext_lazy("learner", "exited")

    # Identity, in Latin and Arabic script
    first_name = models.CharField(_("first name (Latin)"), max_length=80, blank=True)
    last_name = models.CharField(_("last name (Latin)"), max_length=80, blank=True)
    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=80, blank=True)
    last_name_ar = models.CharField(_("last name (Arabic)"), max_length=80, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), db_index=True)
    birthplace = models.CharField(_("birthplace"), max_length=120, blank=True)
    cin = models.CharField(_("CIN number"), max_length=8, blank=True, validators=[cin_number])
    massar_code = models.CharField(_("MASSAR code"), max_length=10, blank=True, validators=[massar_code])
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="learners", verbose_name=_("commune of residence")
    )
    phone = models.CharField(_("phone"), max_length=16, blank=True, validators=[moroccan_phone])

    # Household situation: sensitive, entered only under consent (see services.SENSITIVE_FIELDS)
    orphanhood = models.CharField(_("orphanhood"), max_length=8, choices=Orphanhood.choices, blank=True)
    has_disability = models.BooleanField(_("living with a disability"), null=True, blank=True)
    is_working_child = models.BooleanField(_("working child"), null=True, blank=True)
    travel_minutes = models.PositiveSmallIntegerField(
        _("travel time to the centre (minutes)"), null=True, blank=True, validators=[MaxValueValidator(300)]
    )
    notes = models.TextField(_("confidential notes"), blank=True)

    # Prior schooling
    last_level = models.CharField(_("last school level attained"), max_length=6, choices=SchoolLevel.choices)
    year_left = models.PositiveSmallIntegerField(
        _("year left school"), null=True, blank=True, validators=[MinValueValidator(2000)]
    )
    reasons_left = models.JSONField(_("reasons for leaving school"), default=list, blank=True)
    reason_left_other = models.CharField(_("other reason"), max_length=200, blank=True)
    referral = models.CharField(_("referred by"), max_length=10, choices=Referral.choices)

    # Current placement, kept in step by the enrolment services (indexed for national-scale lists)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ENROLLED)
    center = models.ForeignKey(Center, null=True, on_delete=models.PROTECT, related_name="learners", editable=False)
    province = models.ForeignKey(Province, null=True, on_delete=models.PROTECT, related_name="+", editable=False)
    region = models.ForeignKey(Region, null=True, on_delete=models.PROTECT, related_name="+", editable=False)
    association = models.ForeignKey(
        Association, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    # Lower-case, accent- and diacritic-free names in both scripts, for search (see matching.py)
    search_key = models.CharField(max_length=1000, editable=False, default="")

    scope_rule = scoping.Rule(
        paths={key: key for key in ("region", "province", "association", "center")},
        holds_persons=True,
        group_staff="enrollments__placements__group__educators",
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        constraints = [
            models.UniqueConstraint(
                fields=["massar_code"], condition=~Q(massar_code=""), name="learner_massar_unique",
                violation_error_message=_("A learner with this MASSAR code is already registered."),
            ),
            models.UniqueConstraint(
                fields=["cin"], condition=~Q(cin=""), name="learner_cin_unique",
                violation_error_message=_("A learner with this CIN number is already registered."),
            ),
        ]
        indexes = [
            models.Index(fields=["region", "last_name", "first_name"]),
            models.Index(fields=["center", "status", "last_name"]),
            models.Index(fields=["massar_code"]),
            models.Index(fields=["cin"]),
            models.Index(fields=["last_name", "first_name"]),
        ]

    def __str__(self):
        return self.full_name

    def clean(self):
        errors = {}
        has_latin, has_arabic = self.first_name and self.last_name, self.first_name_ar and self.last_name_ar
        if not (has_latin or has_arabic):
            # Point at the script the user started to write in (Latin when nothing was written).
            started_arabic = (self.first_name_ar or self.last_name_ar) and not (self.first_name or self.last_name)
            fields = ("first_name_ar", "last_name_ar") if started_arabic else ("first_name", "last_name")
            for field in fields:
                if not getattr(self, field).strip():
                    errors[field] = _("Enter the first and last name, in Latin or in Arabic script.")
        today = timezone.localdate()
        if self.birth_date and self.birth_date > today:
            errors["birth_date"] = _("The birth date cannot be in the future.")
        elif self.birth_date and not 6 <= age_on(self.birth_date, today) <= 30:
            errors["birth_date"] = _("This birth date gives an age of %(age)s: check it.") % {
                "age": age_on(self.birth_date, today)}
        if self.year_left:
            if self.year_left > today.year:
                errors["year_left"] = _("The year left school cannot be in the future.")
            elif self.birth_date and self.year_left < self.birth_date.year + 5:
                errors["year_left"] = _("The year left school is before the learner was of school age.")
        if self.last_level == SchoolLevel.NEVER and (self.year_left or self.reasons_left):
            errors["last_level"] = _("A learner who never went to school has no year or reason for leaving.")
        unknown = set(self.reasons_left or []) - set(LeftReason.values)
        if unknown:
            errors["reasons_left"] = _("Unknown reason: %(reasons)s.") % {"reasons": ", ".join(sorted(unknown))}
        if LeftReason.OTHER in (self.reasons_left or []) and not self.reason_left_other.strip():
            errors["reason_left_other"] = _("Say what the other reason is.")
        if errors:
            raise ValidationError(errors)

    @property
    def full_name(self):
        """In the script of the interface when the learner has a name in it, else in the other."""
        latin, arabic = f"{self.first_name} {self.last_name}".strip(), self.full_name_ar
        return (arabic or latin) if get_language() == "ar" else (latin or arabic)

    @property
    def full_name_ar(self):
        return f"{self.first_name_ar} {self.last_name_ar}".strip()

    def age(self, on=None):
        return age_on(self.birth_date, on or timezone.localdate())


class Guardian(TimeStampedModel):
    class Relation(models.TextChoices):
        MOTHER = "mother", _("mother")
        FATHER = "father", _("father")
        GRANDPARENT = "grandparent", _("grandparent")
        SIBLING = "sibling", _("brother or sister")
        UNCLE_AUNT = "uncle_aunt", _("uncle or aunt")
        LEGAL = "legal", _("legal guardian")
        OTHER = "other", _("other")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="guardians")
    full_name = models.CharField(_("full name"), max_length=150)
    relation = models.CharField(_("relation"), max_length=12, choices=Relation.choices)
    phone = models.CharField(_("phone"), max_length=16, blank=True, validators=[moroccan_phone])
    cin = models.CharField(_("CIN number"), max_length=8, blank=True, validators=[cin_number])

    scope_rule = scoping.through("learner")

    class Meta:
        ordering = ["learner", "pk"]
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self):
        return f"{self.full_name} ({self.get_relation_display()})"


class Consent(TimeStampedModel):
    """A guardian's dated consent for one purpose; withdrawn, never deleted."""

    class Purpose(models.TextChoices):
        DATA = "data", _("processing of personal data")
        PHOTOS = "photos", _("photos")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=8, choices=Purpose.choices)
    guardian = models.ForeignKey(
        Guardian, null=True, blank=True, on_delete=models.PROTECT, related_name="consents",
        verbose_name=_("given by"), help_text=_("Empty when the learner, aged 18 or more, consents."),
    )
    given_on = models.DateField(_("date of consent"))
    document = models.FileField(_("signed form"), upload_to="consents/%Y/", blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)

    scope_rule = scoping.through("learner")

    class Meta:
        ordering = ["learner", "purpose", "-given_on"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "purpose"], condition=Q(withdrawn_on__isnull=True), name="one_active_consent",
                violation_error_message=_("A consent for this purpose is already in force."),
            )
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} – {self.given_on}"

    @property
    def is_active(self):
        return self.withdrawn_on is None


class Enrollment(TimeStampedModel):
    """A learner's enrolment in a centre for a school year. Transfers close one and open another."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("enrolment", "active")
        TRANSFERRED = "transferred", _("transferred")
        EXITED = "exited", pgettext_lazy("enrolment", "exited")
        CLOSED = "closed", _("closed at the end of the year")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="enrollments")
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("centre"))
    school_year = models.CharField(_("school year"), max_length=9, validators=[SCHOOL_YEAR, validate_school_year])
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    age_override_reason = models.CharField(
        _("reason for the age exception"), max_length=200, blank=True,
        help_text=_("Required when the learner is younger or older than the centre's age range."),
    )
    transferred_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="transferred_to"
    )

    scope_rule = scoping.through("learner")

    class Meta:
        ordering = ["learner", "-start_date"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["learner"], condition=Q(status="active"), name="one_active_enrollment",
                violation_error_message=_("This learner already has an active enrolment."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="enrollment_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]
        indexes = [models.Index(fields=["center", "school_year", "status"])]

    def __str__(self):
        return f"{self.learner} – {self.center.code} {self.school_year}"


class Placement(TimeStampedModel):
    """An enrolment's time in a group (class or workshop): presence is implied from these dates."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="placements")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="placements", verbose_name=_("group"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    scope_rule = scoping.through("enrollment")

    class Meta:
        ordering = ["enrollment", "start_date"]
        verbose_name = _("group placement")
        verbose_name_plural = _("group placements")
        indexes = [models.Index(fields=["group", "start_date", "end_date"])]

    def __str__(self):
        return _("%(group)s from %(date)s") % {"group": self.group, "date": self.start_date}


class Stage(models.TextChoices):
    INTAKE = "intake", _("intake and diagnostic")
    CATCH_UP = "catch_up", _("catch-up")
    PRE_VOCATIONAL = "pre_vocational", _("pre-vocational")
    INSERTION = "insertion", _("insertion preparation")
    EXIT = "exit", _("exit")


class Track(models.TextChoices):
    CATCH_UP = "catch_up", _("catch-up schooling")
    TRADE = "trade", _("trade workshop")
    PERSONAL_DEVELOPMENT = "personal_development", _("personal development activities")
    PSYCHOSOCIAL = "psychosocial", _("psychosocial support")


class PathwayStep(TimeStampedModel):
    """A stage reached on a date; the latest one is the current stage."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    start_date = models.DateField(_("start date"))

    scope_rule = scoping.through("enrollment")

    class Meta:
        ordering = ["enrollment", "start_date", "pk"]
        verbose_name = _("pathway stage")
        verbose_name_plural = _("pathway stages")

    def __str__(self):
        return f"{self.get_stage_display()} ({self.start_date})"


class TrackParticipation(TimeStampedModel):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="tracks")
    track = models.CharField(_("track"), max_length=24, choices=Track.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    scope_rule = scoping.through("enrollment")

    class Meta:
        ordering = ["enrollment", "start_date"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "track"], condition=Q(end_date__isnull=True), name="one_open_track_of_a_kind"
            )
        ]

    def __str__(self):
        return self.get_track_display()


class IndividualPlan(TimeStampedModel):
    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="plan")
    goals = models.TextField(_("goals"))

    scope_rule = scoping.through("enrollment")

    class Meta:
        verbose_name = _("individual plan")
        verbose_name_plural = _("individual plans")

    def __str__(self):
        return str(_("individual plan"))


class PlanReview(TimeStampedModel):
    plan = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("review date"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by")
    )
    notes = models.TextField(_("observations"))
    next_review_on = models.DateField(_("next review"), null=True, blank=True)

    scope_rule = scoping.through("plan")

    class Meta:
        ordering = ["plan", "-reviewed_on"]
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")

    def __str__(self):
        return f"{self.reviewed_on}"


class Outcome(models.TextChoices):
    """Where a learner goes at exit, and where a follow-up finds them."""

    SCHOOL = "school", _("back in formal school")
    VOCATIONAL = "vocational", _("vocational training")
    APPRENTICESHIP = "apprenticeship", _("apprenticeship")
    EMPLOYMENT = "employment", _("employment")
    SELF_EMPLOYMENT = "self_employment", _("self-employment or cooperative")
    DROPOUT = "dropout", _("dropped out")
    MOVED = "moved", _("moved away")
    OTHER = "other", _("other")


POSITIVE_OUTCOMES = frozenset(
    {Outcome.SCHOOL, Outcome.VOCATIONAL, Outcome.APPRENTICESHIP, Outcome.EMPLOYMENT, Outcome.SELF_EMPLOYMENT}
)


class Exit(TimeStampedModel):
    class TrainingProvider(models.TextChoices):
        OFPPT = "ofppt", _("OFPPT")
        OTHER = "other", _("other provider")

    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="exit")
    exit_date = models.DateField(_("exit date"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    school_level = models.CharField(_("school level"), max_length=6, choices=SchoolLevel.choices, blank=True)
    school_name = models.CharField(_("school"), max_length=150, blank=True)
    training_provider = models.CharField(
        _("training provider"), max_length=8, choices=TrainingProvider.choices, blank=True
    )
    programme = models.CharField(_("programme or trade"), max_length=150, blank=True)
    employer = models.CharField(_("employer or activity"), max_length=150, blank=True)
    dropout_reason = models.CharField(_("reason for dropping out"), max_length=16, choices=LeftReason.choices,
                                      blank=True)
    details = models.TextField(_("details"), blank=True)

    scope_rule = scoping.through("enrollment")

    class Meta:
        verbose_name = _("exit")
        verbose_name_plural = _("exits")

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.exit_date})"


class FollowUp(TimeStampedModel):
    """A check on a former learner's situation at +3, +6 or +12 months after exit."""

    class Situation(models.TextChoices):
        SCHOOL = Outcome.SCHOOL.value, Outcome.SCHOOL.label
        VOCATIONAL = Outcome.VOCATIONAL.value, Outcome.VOCATIONAL.label
        APPRENTICESHIP = Outcome.APPRENTICESHIP.value, Outcome.APPRENTICESHIP.label
        EMPLOYMENT = Outcome.EMPLOYMENT.value, Outcome.EMPLOYMENT.label
        SELF_EMPLOYMENT = Outcome.SELF_EMPLOYMENT.value, Outcome.SELF_EMPLOYMENT.label
        NOTHING = "nothing", _("neither in school, training nor work")
        MOVED = Outcome.MOVED.value, Outcome.MOVED.label
        UNREACHABLE = "unreachable", _("could not be reached")

    MONTHS = (3, 6, 12)

    exit = models.ForeignKey(Exit, on_delete=models.CASCADE, related_name="follow_ups")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="follow_ups", editable=False)
    months = models.PositiveSmallIntegerField(_("months after exit"), choices=[(m, m) for m in MONTHS])
    due_on = models.DateField(_("due on"), db_index=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    situation = models.CharField(_("situation found"), max_length=16, choices=Situation.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_rule = scoping.through("learner")

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [models.UniqueConstraint(fields=["exit", "months"], name="one_follow_up_per_milestone")]

    def __str__(self):
        return f"+{self.months} – {self.due_on}"
