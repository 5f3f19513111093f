"""Partnership conventions: calls for projects, applications and their review, conventions,
their funding, amendments, tranches and reports.

A call (central, by the Ministry, or regional, by an AREF) has an evaluation grid; associations
apply; assigned reviewers score the grid; the call's owner retains or not; a retained application
becomes a convention, whose tranches are released once the reports they depend on are approved.
Performance is never typed in: it is computed from the learners' data (see selectors).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from forsa.centers.models import Center, Trade
from forsa.core import scoping
from forsa.core.models import TimeStampedModel
from forsa.core.roles import Role
from forsa.core.scoping import ScopedQuerySet
from forsa.organizations.models import Association, Organization
from forsa.territory.models import Commune, Region

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class FundingSource(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    AREF = "aref", _("AREF")
    INDH = "indh", _("INDH")
    UNICEF = "unicef", _("UNICEF")
    EU = "eu", _("European Union")
    OTHER = "other", _("other funders")


class CallForProjects(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("call", "draft")
        OPEN = "open", pgettext_lazy("call", "open")
        CLOSED = "closed", pgettext_lazy("call", "closed")
        DECIDED = "decided", pgettext_lazy("call", "decided")

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="calls", verbose_name=_("launched by"),
        limit_choices_to={"kind__in": [Organization.Kind.MINISTRY, Organization.Kind.AREF]},
    )
    # The AREF's region for a regional call; empty for a central (Ministry) call.
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               editable=False)
    budget = models.DecimalField(_("budget envelope (MAD)"), **MONEY)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    eligibility = models.TextField(_("eligibility rules"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)

    scope_rule = scoping.Rule(
        # Published calls are public (not to partner viewers); a draft only to those who run it: national
        # admins, and the managers of its region.
        public=True, partners_see=False, paths={"region": "region"},
        private=Q(status=Status.DRAFT), private_roles=frozenset({Role.NATIONAL_ADMIN, Role.REGIONAL_MANAGER}),
    )

    class Meta:
        ordering = ["-opens_on", "reference"]
        verbose_name = _("call for projects")
        verbose_name_plural = _("calls for projects")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="call_closes_after_opening",
                                   violation_error_message=_("The closing date cannot be before the opening date.")),
        ]

    def __str__(self):
        return f"{self.reference} – {self.title}"


class Criterion(models.Model):
    """A line of a call's evaluation grid; the weights of a grid add up to 100."""

    call = models.ForeignKey(CallForProjects, on_delete=models.CASCADE, related_name="criteria")
    label = models.CharField(_("criterion"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("weight (%)"), validators=[MinValueValidator(1),
                                                                           MaxValueValidator(100)])
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=10,
                                                 validators=[MinValueValidator(1), MaxValueValidator(100)])
    order = models.PositiveSmallIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    scope_rule = scoping.Rule(public=True)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self):
        return self.label


class Application(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("application", "draft")
        SUBMITTED = "submitted", pgettext_lazy("application", "submitted")
        UNDER_REVIEW = "under_review", _("under review")
        RETAINED = "retained", _("retained")
        NOT_RETAINED = "not_retained", _("not retained")

    call = models.ForeignKey(CallForProjects, on_delete=models.PROTECT, related_name="applications",
                             verbose_name=_("call for projects"))
    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="applications",
                                    verbose_name=_("association"))
    title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("project summary"), blank=True)
    centers = models.ManyToManyField(Center, blank=True, related_name="applications",
                                     verbose_name=_("proposed centres"))
    new_site_commune = models.ForeignKey(Commune, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name=_("commune of a new site"))
    new_site_description = models.CharField(_("new site"), max_length=250, blank=True)
    target_girls = models.PositiveIntegerField(_("target learners: girls"), default=0)
    target_boys = models.PositiveIntegerField(_("target learners: boys"), default=0)
    trades = models.ManyToManyField(Trade, blank=True, related_name="+", verbose_name=_("trades"))
    budget_requested = models.DecimalField(_("budget requested (MAD)"), default=0, **MONEY)
    cofunding = models.DecimalField(_("co-funding (MAD)"), default=0, **MONEY)
    cofunding_sources = models.CharField(_("co-funders"), max_length=250, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decision_reason = models.TextField(_("reasons of the decision"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    # The association, the region of the call or of the proposed centres, the national level, and the
    # reviewers assigned to it. Partner viewers do not see applications nor conventions (a convention's
    # page names its learners' numbers per centre).
    scope_rule = scoping.Rule(
        paths={"region": ("call__region", "centers__region", "association__commune__province__region"),
               "association": "association"},
        assignee="reviews__reviewer",
    )

    class Meta:
        ordering = ["call", "association__name"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [models.UniqueConstraint(
            fields=["call", "association", "title"], name="one_application_per_title",
            violation_error_message=_("This association already has an application with this title in this call."),
        )]

    def __str__(self):
        return f"{self.association} – {self.title}"

    @property
    def target_total(self):
        return self.target_girls + self.target_boys


class ApplicationDocument(TimeStampedModel):
    class Kind(models.TextChoices):
        PROJECT = "project", _("project description")
        BUDGET = "budget", _("detailed budget")
        STATUTES = "statutes", _("statutes and legal receipt")
        ACCOUNTS = "accounts", _("financial statements")
        OTHER = "other", _("other document")

    # What an application cannot be submitted without.
    REQUIRED = (Kind.PROJECT, Kind.BUDGET)

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind of document"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="conventions/applications/%Y/")

    scope_rule = scoping.through("application")

    class Meta:
        ordering = ["application", "kind", "pk"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")

    def __str__(self):
        return self.get_kind_display()


class Review(TimeStampedModel):
    """One reviewer's evaluation of one application: a score per criterion and a comment."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("assigned")
        SUBMITTED = "submitted", pgettext_lazy("review", "submitted")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews",
                                 verbose_name=_("reviewer"))
    scores = models.JSONField(_("scores"), default=dict, blank=True)  # {criterion id: score}
    # Weighted total out of 100, computed by the service from the scores and the grid.
    total = models.DecimalField(_("score /100"), max_digits=5, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    scope_rule = scoping.Rule(paths={"region": "application__call__region"}, assignee="reviewer")

    class Meta:
        ordering = ["application", "reviewer"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [models.UniqueConstraint(
            fields=["application", "reviewer"], name="one_review_per_reviewer",
            violation_error_message=_("This reviewer is already assigned to this application."),
        )]

    def __str__(self):
        return f"{self.application} – {self.reviewer}"


class Convention(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("convention", "draft")
        SIGNED = "signed", _("signed")
        ACTIVE = "active", pgettext_lazy("convention", "active")
        SUSPENDED = "suspended", pgettext_lazy("convention", "suspended")
        CLOSED = "closed", pgettext_lazy("convention", "closed")

    number = models.CharField(_("number"), max_length=40, unique=True)
    party = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="conventions", verbose_name=_("public party"),
        limit_choices_to={"kind__in": [Organization.Kind.MINISTRY, Organization.Kind.AREF]},
    )
    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="conventions",
                                    verbose_name=_("association"))
    application = models.OneToOneField(Application, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="convention", verbose_name=_("application"))
    centers = models.ManyToManyField(Center, related_name="conventions", verbose_name=_("centres covered"))
    # The region the convention is steered from: the AREF's, or the association's for a Ministry convention.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False,
                               verbose_name=_("region"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    renewal_year = models.PositiveSmallIntegerField(_("year of the convention"), default=1,
                                                    validators=[MinValueValidator(1), MaxValueValidator(10)],
                                                    help_text=_("1 for a first convention, 2 for its first renewal…"))
    target_girls = models.PositiveIntegerField(_("target learners: girls"), default=0)
    target_boys = models.PositiveIntegerField(_("target learners: boys"), default=0)
    target_retention = models.PositiveSmallIntegerField(_("target retention (%)"), null=True, blank=True,
                                                        validators=[MaxValueValidator(100)])
    target_positive_exits = models.PositiveSmallIntegerField(_("target positive exits (%)"), null=True, blank=True,
                                                             validators=[MaxValueValidator(100)])
    obligations = models.TextField(_("obligations of the parties"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    signed_on = models.DateField(_("signature date"), null=True, blank=True)
    signed_document = models.FileField(_("signed convention"), upload_to="conventions/signed/%Y/", blank=True)

    scope_rule = scoping.Rule(
        # The AREF's region acts on an AREF convention (the first path: the party's region); only the
        # national level on a Ministry one. The region it is steered from and its centres' see it.
        paths={"region": ("party__region", "region", "centers__region"), "province": "centers__province",
               "association": "association", "center": "centers"},
    )

    class Meta:
        ordering = ["-start_date", "number"]
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="convention_ends_after_start",
                                   violation_error_message=_("The end date must be after the start date.")),
        ]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self):
        return self.number

    @property
    def target_total(self):
        return self.target_girls + self.target_boys


class Funding(models.Model):
    """The budget of a convention brought by one source."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="fundings")
    source = models.CharField(_("funding source"), max_length=10, choices=FundingSource.choices)
    amount = models.DecimalField(_("amount (MAD)"), **MONEY)

    objects = ScopedQuerySet.as_manager()

    scope_rule = scoping.through("convention")

    class Meta:
        ordering = ["convention", "source"]
        verbose_name = _("funding")
        verbose_name_plural = _("fundings")
        constraints = [models.UniqueConstraint(fields=["convention", "source"], name="one_line_per_source")]

    def __str__(self):
        return f"{self.get_source_display()}: {self.amount}"


class Amendment(TimeStampedModel):
    """A signed change of a convention's targets, budget or dates; ``changes`` keeps before and after."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField(_("number"))
    signed_on = models.DateField(_("signature date"))
    reason = models.TextField(_("reason"))
    changes = models.JSONField(_("changes"), default=dict)  # {field: [before, after]}

    scope_rule = scoping.through("convention")

    class Meta:
        ordering = ["convention", "number"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [models.UniqueConstraint(fields=["convention", "number"], name="one_amendment_number")]

    def __str__(self):
        return _("Amendment %(number)s") % {"number": self.number}

    @property
    def change_rows(self):
        """(what changed, before, after), named in the reader's language."""
        rows = []
        for name, (before, after) in self.changes.items():
            if name.startswith("funding:"):
                label = _("funding: %(source)s") % {"source": FundingSource(name.split(":", 1)[1]).label}
            else:
                label = Convention._meta.get_field(name).verbose_name
            rows.append((label, before, after))
        return rows


class Report(TimeStampedModel):
    """An activity or financial report the association owes, approved or returned by the public party."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("activity report")
        FINANCIAL = "financial", _("financial report")

    class Status(models.TextChoices):
        EXPECTED = "expected", _("expected")
        SUBMITTED = "submitted", pgettext_lazy("report", "submitted")
        RETURNED = "returned", _("returned for changes")
        APPROVED = "approved", _("approved")

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period = models.CharField(_("period covered"), max_length=60)
    due_on = models.DateField(_("due on"))
    file = models.FileField(_("report"), upload_to="conventions/reports/%Y/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.EXPECTED)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    comments = models.TextField(_("comments of the reviewer"), blank=True)
    decided_on = models.DateField(_("approved or returned on"), null=True, blank=True)

    scope_rule = scoping.through("convention")

    class Meta:
        ordering = ["convention", "due_on", "kind"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return f"{self.get_kind_display()} – {self.period}"


class Tranche(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("tranche", "planned")
        RELEASED = "released", _("released")

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="tranches")
    order = models.PositiveSmallIntegerField(_("tranche"))
    planned_amount = models.DecimalField(_("planned amount (MAD)"), **MONEY)
    planned_on = models.DateField(_("planned date"))
    required_reports = models.ManyToManyField(Report, blank=True, related_name="tranches",
                                              verbose_name=_("reports to be approved first"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    released_amount = models.DecimalField(_("released amount (MAD)"), null=True, blank=True, max_digits=14,
                                          decimal_places=2, validators=[MinValueValidator(0)])

    scope_rule = scoping.through("convention")

    class Meta:
        ordering = ["convention", "order"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [models.UniqueConstraint(fields=["convention", "order"], name="one_tranche_number")]

    def __str__(self):
        return _("Tranche %(order)s") % {"order": self.order}
