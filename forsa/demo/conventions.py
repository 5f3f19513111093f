"""The demo's partnership conventions: a realistic round, written through the services.

A central call (Ministry) and two regional calls (Casablanca-Settat, Souss-Massa), all decided:
46 applications (a few associations submit two projects), reviewed by the demo evaluator and the
call's owner, 22 retained (the others with their reasons), their conventions signed and mostly
active — one suspended, two still drafts —
with tranches released or planned and reports approved, submitted, returned or overdue, and one
amendment. A fourth call, regional in Casablanca-Settat, is open: the demo association may apply.

Deterministic: drawn from the generator given, the network in creation order and fixed dates.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from forsa.accounts.models import Membership
from forsa.conventions import services
from forsa.conventions.models import Application, ApplicationDocument, Convention, FundingSource, Report
from forsa.core.roles import Role
from forsa.organizations.models import Organization

SYSTEM = None
GRID = [
    ("Pertinence du projet au regard des besoins du territoire", 30, 10),
    ("Capacités et expérience de l'association", 25, 10),
    ("Qualité pédagogique et partenariats d'insertion", 25, 10),
    ("Réalisme du budget et cofinancement", 20, 10),
]
NOT_RETAINED = [
    "Dossier incomplet : budget détaillé non conforme au canevas.",
    "Zone déjà couverte par un centre E2C-NG conventionné.",
    "Capacités de gestion financière insuffisantes au regard du montant demandé.",
    "Score inférieur au seuil de sélection fixé par la commission.",
    "Partenariats d'insertion professionnelle non démontrés.",
]
# (call key, owner region code or None for the Ministry, applications, retained)
ROUND = [("central", None, 20, 9), ("06", "06", 16, 8), ("09", "09", 10, 5)]
PROJECTS = ["Centre E2C-NG de {commune}", "Deuxième chance pour les jeunes de {commune}",
            "Insertion des adolescents non scolarisés – {commune}", "Ateliers et remise à niveau à {commune}"]
TITLE = "Appel à projets E2C-NG 2025-2027"
ELIGIBILITY = "Association active, déclarée depuis au moins deux ans ; centres situés dans la zone de l'appel."
RETAINED = "Projet classé en rang utile ; centres et cibles conformes."


def _pdf(name):
    """One small stored PDF per kind of document, shared by the demo's rows (no file per row)."""
    path = f"conventions/demo/{name}.pdf"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(b"%PDF-1.4\n% Forsa demo document\n%%EOF\n"))
    return path


def _demo_user(role, **scope):
    return Membership.objects.select_related("user").filter(
        role=role, user__email__endswith="@demo.forsa.ma", **scope).order_by("pk").first().user


def seed_conventions(*, rng: random.Random, network) -> Counter:
    """The round above, after the network, the demo users (the evaluator among them) and the learners."""
    created = Counter()
    reviewer = _demo_user(Role.REVIEWER)
    owners = {None: Organization.objects.get(kind=Organization.Kind.MINISTRY)}
    owners |= {o.region.code: o for o in Organization.objects.filter(kind=Organization.Kind.AREF)
               .select_related("region")}
    deciders = {None: _demo_user(Role.NATIONAL_ADMIN), "06": _demo_user(Role.REGIONAL_MANAGER, region__code="06"),
                "09": _demo_user(Role.REGIONAL_MANAGER, region__code="09")}
    by_region = {}
    for association in network.associations:
        centers = [c for c in network.centers if c.association_id == association.pk]
        by_region.setdefault(centers[0].region.code, []).append((association, centers))
    conventions = []
    for key, region, count, retained in ROUND:
        call = services.call_create(
            actor=SYSTEM, owner=owners[region], reference=f"AAP-E2C-{key.upper()}-2025",
            title=TITLE + ("" if region is None else f" – {owners[region].region.name_fr}"),
            budget=Decimal(count * 800_000), opens_on=date(2025, 4, 1), closes_on=date(2025, 5, 31),
            eligibility=ELIGIBILITY,
            criteria=GRID)
        services.call_open(actor=SYSTEM, call=call)
        candidates = _candidates(rng, by_region, region, count, network.demo_association)
        applications = [_apply(rng, call, association, centers) for association, centers in candidates]
        services.call_close(actor=SYSTEM, call=call)
        scored, seen = [], set()
        for application in applications:
            total = Decimal(0)
            # An association's second project in the same call scores lower: one convention each.
            low, high = (2, 5) if application.association_id in seen else (5, 9)
            seen.add(application.association_id)
            for who in (reviewer, deciders[region]):
                review = services.review_assign(actor=SYSTEM, application=application, reviewer=who)
                bias = 1 if application.association_id == network.demo_association.pk else 0
                scores = {str(c.pk): min(c.max_score, rng.randint(low, high) + bias) for c in call.criteria.all()}
                total += services.review_submit(actor=who, review=review, scores=scores,
                                                comment="Projet évalué selon la grille de l'appel.").total
            scored.append((total, application.pk, application))
        scored.sort(key=lambda row: (-row[0], row[1]))
        for rank, (_total, _pk, application) in enumerate(scored):
            keep = rank < retained
            services.application_decide(
                actor=SYSTEM, application=application, retained=keep,
                reason=RETAINED if keep else rng.choice(NOT_RETAINED))
            if keep:
                conventions.append(services.convention_from_application(
                    actor=SYSTEM, application=application, start_date=date(2025, 9, 1), end_date=date(2027, 8, 31)))
        services.call_decide(actor=SYSTEM, call=call)
        created["calls"] += 1
        created["applications"] += len(applications)
    for index, convention in enumerate(conventions):
        _life(rng, convention, index, len(conventions))
    created["conventions"] = len(conventions)
    open_call = services.call_create(
        actor=SYSTEM, owner=owners["06"], reference="AAP-E2C-06-2027", title="Appel à projets E2C-NG 2027 – extension",
        budget=Decimal(6_000_000), opens_on=date(2026, 11, 1), closes_on=date(2027, 1, 31),
        eligibility="Association active ; centres dans la région Casablanca-Settat.", criteria=GRID)
    services.call_open(actor=SYSTEM, call=open_call)
    created["calls"] += 1
    return created


def _candidates(rng, by_region, region, count, demo_association):
    if region is None:  # a central call: associations of every other region
        pool = [item for code, items in sorted(by_region.items()) if code not in ("06", "09") for item in items]
    else:
        pool = list(by_region.get(region, []))
    rng.shuffle(pool)
    if region == "06":  # the demo association applies in its region's call
        pool.sort(key=lambda item: item[0].pk != demo_association.pk)
    picked = pool[:count]
    while len(picked) < count:  # a second project from associations already applying
        picked.append(pool[len(picked) % len(pool)])
    return picked


def _apply(rng, call, association, centers):
    commune = centers[0].commune.name_fr
    titles = [t.format(commune=commune) for t in PROJECTS]
    taken = set(Application.objects.filter(call=call, association=association).values_list("title", flat=True))
    title = next(t for t in titles if t not in taken)
    per_center = len(centers)  # the demo's centres hold a few dozen learners each
    application = services.application_save(
        actor=SYSTEM, call=call, association=association, centers=centers, title=title,
        summary="Accueil, remise à niveau, pré-qualification professionnelle et accompagnement psychosocial.",
        target_girls=rng.randint(8, 18) * per_center, target_boys=rng.randint(8, 16) * per_center,
        budget_requested=Decimal(rng.randrange(400_000, 1_200_000, 10_000)),
        cofunding=Decimal(rng.choice([0, 50_000, 100_000, 150_000])), cofunding_sources="INDH, commune",
        trades=list(centers[0].trades.all()[:2]))
    for kind in (ApplicationDocument.Kind.PROJECT, ApplicationDocument.Kind.BUDGET):
        services.application_document_add(actor=SYSTEM, application=application, kind=kind, file=_pdf(kind))
    return services.application_submit(actor=SYSTEM, application=application)


def _life(rng, convention, index, total):
    """Signature, tranches and reports in varied states; one suspended, one amended, the last two drafts."""
    if index >= total - 2:
        return  # still drafts: signature pending
    signed_on = date(2025, 7, 15) + timedelta(days=rng.randint(0, 40))
    services.convention_sign(actor=SYSTEM, convention=convention, signed_on=signed_on,
                             signed_document=_pdf("convention-signee"))
    services.convention_transition(actor=SYSTEM, convention=convention, to=Convention.Status.ACTIVE)
    budget = sum(f.amount for f in convention.fundings.all() if f.source != FundingSource.OTHER)
    share = {order: (budget * part / 10).quantize(Decimal("1")) for order, part in ((1, 4), (2, 3), (3, 3))}
    reports = {}
    for period, due in (("S1 2025-2026", date(2026, 3, 15)), ("Année 2025-2026", date(2026, 10, 31))):
        for kind in (Report.Kind.ACTIVITY, Report.Kind.FINANCIAL):
            reports[(period, kind)] = services.report_plan(actor=SYSTEM, convention=convention, kind=kind,
                                                           period=period, due_on=due)
    first = services.tranche_plan(actor=SYSTEM, convention=convention, order=1, planned_amount=share[1],
                                  planned_on=signed_on + timedelta(days=30))
    second = services.tranche_plan(actor=SYSTEM, convention=convention, order=2, planned_amount=share[2],
                                   planned_on=date(2026, 4, 15),
                                   required_reports=[reports[("S1 2025-2026", k)] for k in Report.Kind.values])
    services.tranche_plan(actor=SYSTEM, convention=convention, order=3, planned_amount=share[3],
                          planned_on=date(2026, 12, 15),
                          required_reports=[reports[("Année 2025-2026", k)] for k in Report.Kind.values])
    services.tranche_release(actor=SYSTEM, tranche=first, released_on=signed_on + timedelta(days=rng.randint(20, 60)))
    for kind in Report.Kind.values:  # the first half-year: approved, and the second tranche paid
        report = reports[("S1 2025-2026", kind)]
        services.report_submit(actor=SYSTEM, report=report, file=_pdf("rapport"))
        if index % 7 == 3:  # returned once before approval
            services.report_review(actor=SYSTEM, report=report, approved=False,
                                   comments="Effectifs par sexe et par centre à détailler.")
            services.report_submit(actor=SYSTEM, report=report, file=_pdf("rapport"))
        services.report_review(actor=SYSTEM, report=report, approved=True)
    services.tranche_release(actor=SYSTEM, tranche=second, released_on=date(2026, 4, 20) + timedelta(
        days=rng.randint(0, 45)))
    state = index % 4  # the annual reports: approved / submitted / returned / overdue (not yet sent)
    for kind in Report.Kind.values:
        report = reports[("Année 2025-2026", kind)]
        if state == 3:
            continue
        services.report_submit(actor=SYSTEM, report=report, file=_pdf("rapport"))
        if state == 0:
            services.report_review(actor=SYSTEM, report=report, approved=True)
        elif state == 2:
            services.report_review(actor=SYSTEM, report=report, approved=False,
                                   comments="Pièces justificatives des dépenses manquantes.")
    if index == 1:
        services.amendment_apply(
            actor=SYSTEM, convention=convention, signed_on=date(2026, 2, 10),
            reason="Ouverture d'un groupe supplémentaire de pré-qualification.",
            changes={"target_girls": convention.target_girls + 15, "target_boys": convention.target_boys + 10},
            fundings={FundingSource.INDH: Decimal(120_000)})
    if index == 5:
        services.convention_transition(actor=SYSTEM, convention=convention, to=Convention.Status.SUSPENDED,
                                       reason="Rapports annuels non transmis ; mission d'audit en cours.")

