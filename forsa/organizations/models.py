"""The institutions: the Ministry and its academies, associations, partners."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from forsa.core import scoping
from forsa.core.models import BilingualName, TimeStampedModel
from forsa.territory.models import Commune, Province, Region

moroccan_phone = RegexValidator(
    r"\A(\+212|0)[5-7][0-9]{8}\Z",  # ASCII digits only, no line break after (not \d, not $)
    _("Enter a Moroccan phone number such as 0612345678 or +212612345678."),
)


class Organization(BilingualName, TimeStampedModel):
    """A public body of the Ministry: central directorate, AREF or provincial directorate."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry (central directorate)")
        AREF = "aref", _("regional academy (AREF)")
        PROVINCIAL = "provincial", _("provincial directorate")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="organizations"
    )
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="organizations"
    )

    scope_rule = scoping.Rule(public=True)

    class Meta:
        ordering = ["kind", "region__code", "province__code"]
        verbose_name = _("public body")
        verbose_name_plural = _("public bodies")
        constraints = [
            models.UniqueConstraint(
                fields=["region"], condition=models.Q(kind="aref"), name="one_aref_per_region"
            ),
            models.UniqueConstraint(
                fields=["province"],
                condition=models.Q(kind="provincial"),
                name="one_directorate_per_province",
            ),
        ]


class Association(TimeStampedModel):
    """A civil-society association that runs centres under conventions."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("association", "active")
        SUSPENDED = "suspended", pgettext_lazy("association", "suspended")
        DISSOLVED = "dissolved", _("dissolved")

    name = models.CharField(_("name"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    registration_number = models.CharField(
        _("registration number"), max_length=40, unique=True,
        help_text=_("Number of the receipt of declaration issued by the local authority."),
    )
    president = models.CharField(_("president"), max_length=120)
    phone = models.CharField(_("phone"), max_length=16, blank=True, validators=[moroccan_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="associations",
        verbose_name=_("commune"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )

    scope_rule = scoping.Rule(
        # Seen where it runs centres, and in the territory of its seat (before its first centre). The first
        # path of region and province crosses its centres: no role over an association comes from its seat.
        paths={"region": ("centers__region", "commune__province__region"),
               "province": ("centers__province", "commune__province"),
               "association": "pk", "center": "centers"},
        partners_see=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("association")
        verbose_name_plural = _("associations")

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.name_ar if get_language() == "ar" and self.name_ar else self.name


class Partner(TimeStampedModel):
    """A funder, technical partner or training body; its users see aggregates only."""

    class Kind(models.TextChoices):
        FUNDER = "funder", _("funder")
        TECHNICAL = "technical", _("technical partner")
        TRAINING = "training", _("training body")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)

    scope_rule = scoping.Rule(public=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.acronym or self.name
