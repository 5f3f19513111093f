"""Roll-ups of the indicators: each figure of the catalogue per centre, kept for the dashboards.

A refresh (``services.rollups_refresh``, run daily by the task ``reporting_refresh``) computes every
indicator of the catalogue at the level of the centre for the whole country, for one school year (per
month for the monthly ones, per category for each breakdown), and replaces that year's cells in one
transaction. Pages then add up the cells of the centres a user may count (``selectors``): a region's
figure is the sum of its centres', rates recomputed from the summed numerators and denominators.
``Refresh`` says when a year was last computed: the date shown beside figures that may lag.
"""

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
