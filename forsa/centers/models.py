"""Centres, the trades they teach and the staff who work there."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from forsa.core import scoping
from forsa.core.models import BilingualName, TimeStampedModel
from forsa.organizations.models import Association
from forsa.territory.models import Commune, Province, Region

# Morocco's mainland and southern provinces fit in this box; a point outside is a typo.
LATITUDE_RANGE = (Decimal("20.5"), Decimal("36.0"))
LONGITUDE_RANGE = (Decimal("-17.5"), Decimal("-0.9"))


class Trade(BilingualName):
    """A trade taught in workshops (couture, coiffure, …): a managed list."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope_rule = scoping.Rule(public=True)

    class Meta:
        ordering = ["name_fr"]
        verbose_name = _("trade")
        verbose_name_plural = _("trades")


class Center(BilingualName, TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        OPEN = "open", _("open")
        SUSPENDED = "suspended", _("suspended")
        CLOSED = "closed", _("closed")

    code = models.CharField(
        _("code"), max_length=20, unique=True,
        validators=[RegexValidator(r"^[A-Z0-9-]{3,20}$", _("Use 3 to 20 capital letters, digits or dashes."))],
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="centers", verbose_name=_("commune")
    )
    # Copied from the commune by the service so that scoping filters on one indexed column.
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="centers", editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="centers", editable=False)
    address = models.CharField(_("address"), max_length=250, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(LATITUDE_RANGE[0]), MaxValueValidator(LATITUDE_RANGE[1])],
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(LONGITUDE_RANGE[0]), MaxValueValidator(LONGITUDE_RANGE[1])],
    )
    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="centers",
        verbose_name=_("managing association"),
    )
    opening_date = models.DateField(_("opening date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(2000)],
        help_text=_("Number of learners the centre can take in one school year."),
    )
    trades = models.ManyToManyField(Trade, blank=True, related_name="centers", verbose_name=_("trades taught"))
    # The programme takes 13–18 year olds; some centres are allowed up to 20.
    max_age = models.PositiveSmallIntegerField(
        _("maximum age at enrolment"), default=18,
        validators=[MinValueValidator(18), MaxValueValidator(20)],
    )

    scope_rule = scoping.Rule(
        paths={"region": "region", "province": "province", "association": "association", "center": "pk"},
        partners_see=True,
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        indexes = [models.Index(fields=["region", "status"]), models.Index(fields=["province"])]


SCHOOL_YEAR = RegexValidator(r"^(20\d\d)-(20\d\d)$", _("Write the school year as 2025-2026."))


def school_year_start(day):
    """The 1 September that opens the school year ``day`` falls in."""
    return day.replace(year=day.year if day.month >= 9 else day.year - 1, month=9, day=1)


def school_year_of(day) -> str:
    """The school year a day falls in, e.g. "2026-2027"."""
    start = school_year_start(day).year
    return f"{start}-{start + 1}"


def validate_school_year(value):
    if not SCHOOL_YEAR.regex.match(value or ""):
        return  # SCHOOL_YEAR already says how to write it
    start, end = (int(part) for part in value.split("-"))
    if end != start + 1:
        raise ValidationError(_("A school year spans two consecutive years, e.g. 2025-2026."))


class Group(TimeStampedModel):
    """A class or workshop cohort of a centre for one school year."""

    class Kind(models.TextChoices):
        CATCH_UP = "catch_up", _("catch-up class")
        WORKSHOP = "workshop", _("trade workshop")
        ACTIVITY = "activity", _("personal development activity")

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="groups", verbose_name=_("centre"))
    school_year = models.CharField(_("school year"), max_length=9, validators=[SCHOOL_YEAR, validate_school_year])
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    trade = models.ForeignKey(
        Trade, null=True, blank=True, on_delete=models.PROTECT, related_name="groups", verbose_name=_("trade")
    )
    educators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="taught_groups", verbose_name=_("educators")
    )

    scope_rule = scoping.through("center", group_staff="educators")

    class Meta:
        ordering = ["center", "school_year", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(fields=["center", "school_year", "name"], name="group_unique_name_per_year")
        ]

    def __str__(self):
        return f"{self.name} ({self.school_year})"


class StaffAssignment(TimeStampedModel):
    """A person working at a centre in a function, for a period."""

    class Function(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        EDUCATOR = "educator", _("educator")
        TRAINER = "trainer", _("trainer")
        COUNSELLOR = "counsellor", _("psychosocial counsellor")
        SPORTS_COACH = "sports_coach", _("sports coach")
        ARTS_TEACHER = "arts_teacher", _("arts teacher")
        ADMINISTRATIVE = "administrative", _("administrative staff")

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="staff")
    full_name = models.CharField(_("full name"), max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="staff_assignments", verbose_name=_("user account"),
    )
    function = models.CharField(_("function"), max_length=20, choices=Function.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    scope_rule = scoping.through("center", holds_persons=True)

    class Meta:
        ordering = ["center", "function", "full_name"]
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="staff_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self):
        return f"{self.full_name} ({self.get_function_display()})"
