"""The demo: a plausible national network of second-chance centres and one login per role.

``seed_demo`` runs one step per kind of data, each in the module of its domain:

1. ``reference.seed_reference``: the territory, the public bodies and the managed trades
   (idempotent loaders, also used outside the demo);
2. ``network.seed_network``: partners, associations, centres and their staff, written
   through the services so that validation and audit apply;
3. ``users.seed_users``: one demo user per role, with the membership giving its scope;
4. ``learners.seed_learners``: learners with their families, groups,
   enrolments over two school years, pathways, exits and follow-ups. Up to national
   scale, so written in bulk (the same rows the services would write,
   without audit entries: generated data is not the action of a person);
5. ``assessments.seed_assessments``: the framework, assessments, results and remediation;
6. ``attendance.seed_attendance``: a roll call of every group on every school day up to the
   reference date, absences following each learner's hidden risk (see ``learners``);
7. ``conventions.seed_conventions``: a round of calls for projects and the conventions signed;
8. the early warning: the risk model trained on the demo's history (once ``earlywarning.model``
   exists), then every enrolled learner scored a week before the reference date and on it, so that
   the worklists show what changed since last week and the demo counsellor has alerts to follow;
9. the roll-ups of the dashboards (``reporting.services.rollups_refresh_recent``), as the daily task
   ``reporting_refresh`` keeps them in production.

Steps 1–3 run in one transaction; learners follow, one transaction per batch.
Learners come only with the network, on the first run: a second run creates nothing.

Everything is drawn from ``random.Random`` seeded per step, from the territory
read in code order and from fixed reference dates, so one seed always gives the
same data. Each step has its own generator: adding a step later (a module of its
own, called below with ``step_rng(seed=seed, step="<its name>")``) leaves the data
of the earlier ones unchanged.

Nothing in the product imports this app: only its command, the tests and ``bench/`` do.
"""

from __future__ import annotations

import importlib.util
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction

from forsa.accounts.models import User
from forsa.centers.models import Center, StaffAssignment, Trade
from forsa.core.roles import Role
from forsa.demo.assessments import seed_assessments
from forsa.demo.attendance import AttendanceReport, seed_attendance
from forsa.demo.conventions import seed_conventions
from forsa.demo.learners import DEFAULT_LEARNERS, LearnerReport, seed_learners
from forsa.demo.network import seed_network
from forsa.demo.reference import REFERENCE_DATE, seed_reference
from forsa.demo.users import DEMO_PASSWORD, DEMO_USERS, SENTINEL_EMAIL, Login, demo_logins, seed_users
from forsa.earlywarning.services import risk_score_all
from forsa.learners.models import Enrollment, Exit, FollowUp, Learner
from forsa.organizations.models import Association, Organization, Partner
from forsa.reporting.services import rollups_refresh_recent
from forsa.territory.models import Commune, Province, Region

DEMO_URL = "http://127.0.0.1:8000/"
# Above this many learners (national scale, for bench/), roll calls and risk scores are seeded for the
# demo centre only: a national school year of rolls is bench/attendance.py's job, and takes its own time.
FULL_ATTENDANCE_LEARNERS = 20_000


@dataclass
class SeedReport:
    seed: int
    already_seeded: bool
    created: Counter = field(default_factory=Counter)
    totals: dict[str, int] = field(default_factory=dict)
    logins: list[Login] = field(default_factory=list)
    learners: LearnerReport = field(default_factory=LearnerReport)
    learners_asked: int = 0
    attendance: AttendanceReport = field(default_factory=AttendanceReport)
    risk: dict = field(default_factory=dict)  # the early warning's last scoring run (risk_score_all)
    model: str = ""  # what training the risk model gave, or why it did not run
    password: str = DEMO_PASSWORD
    url: str = DEMO_URL


# ---------------------------------------------------------------------------
# Steps


def step_rng(*, seed: int, step: str) -> random.Random:
    """One generator per step, so that steps do not shift each other's draws."""
    return random.Random(f"forsa-demo:{seed}:{step}")


def seed_demo(*, seed: int = 1, learners: int = DEFAULT_LEARNERS, progress: bool = False) -> SeedReport:
    """Seed the demo unless it is there already; return what was done and the logins.

    The network (steps 1–3) is written in one transaction; then ``learners`` learners, a
    transaction per batch. They come only with the network: once the demo is seeded, nothing
    is added, whatever ``learners`` says.
    """
    report = SeedReport(seed=seed, already_seeded=False, learners_asked=learners)
    with transaction.atomic():
        report.created.update(seed_reference())
        if User.objects.filter(email=SENTINEL_EMAIL).exists():
            report.already_seeded = True
        else:
            network = seed_network(rng=step_rng(seed=seed, step="network"), progress=progress)
            users = seed_users(rng=step_rng(seed=seed, step="users"), network=network)
            report.created.update(
                partners=network.partners_created, associations=len(network.associations),
                centers=len(network.centers), staff=network.staff,
                users=len(users), memberships=len(users),
            )
    if not report.already_seeded and learners > 0:
        by_role = {demo.role: user for demo, user in zip(DEMO_USERS, users, strict=True)}
        report.learners = seed_learners(
            rng=step_rng(seed=seed, step="learners"), centers=network.centers,
            demo_center=network.demo_center, today=REFERENCE_DATE, count=learners, progress=progress,
            staff_users={"director": by_role[Role.CENTER_DIRECTOR], "educator": by_role[Role.EDUCATOR],
                         "counsellor": by_role[Role.COUNSELLOR]},
        )
        report.created["results"] = seed_assessments(rng=step_rng(seed=seed, step="assessments"), today=REFERENCE_DATE,
                                                     demo_center=network.demo_center, educator=by_role[Role.EDUCATOR],
                                                     risk=report.learners.risk)
        only = None if learners <= FULL_ATTENDANCE_LEARNERS else [network.demo_center.pk]
        report.attendance = seed_attendance(rng=step_rng(seed=seed, step="attendance"), today=REFERENCE_DATE,
                                            risk=report.learners.risk, demo_center=network.demo_center,
                                            educator=by_role[Role.EDUCATOR], center_ids=only)
    if not report.already_seeded:
        report.created.update(seed_conventions(rng=step_rng(seed=seed, step="conventions"), network=network))
    if not report.already_seeded and learners > 0:
        report.model, report.risk = seed_early_warning(today=REFERENCE_DATE, center_ids=only)
        # the dashboards' roll-ups (in production: the daily task reporting_refresh)
        report.created["figure_cells"] = sum(refresh.rows for refresh in rollups_refresh_recent(today=REFERENCE_DATE))
    report.totals = current_totals()
    report.logins = demo_logins()
    return report


def seed_early_warning(*, today, center_ids=None):
    """Train the risk model on the demo's history when the model module exists, then score every
    enrolled learner (of ``center_ids`` when given, without training) a week before ``today`` and on
    ``today``, opening alerts handed to each centre's counsellor. Returns what training said and the last
    scoring run's summary."""
    if center_ids is not None:
        learner_ids = list(Learner.objects.filter(center_id__in=center_ids).values_list("pk", flat=True))
        risk_score_all(as_of=today - timedelta(days=7), learner_ids=learner_ids)
        return "national scale: the demo centre only, rules only", risk_score_all(as_of=today,
                                                                                  learner_ids=learner_ids)
    trained = "no model module yet: rules only"
    if importlib.util.find_spec("forsa.earlywarning.model") is not None:
        from forsa.earlywarning import model

        try:
            trained = f"model v{model.train(as_of=today).version}"
        except getattr(model, "NotEnoughHistory", ()) as error:  # a small demo: the rules alone
            trained = f"rules only: {error}"
    risk_score_all(as_of=today - timedelta(days=7))
    return trained, risk_score_all(as_of=today)


def current_totals() -> dict[str, int]:
    """What the database holds now, whoever created it."""
    public = Counter(Organization.objects.values_list("kind", flat=True))
    return {
        "regions": Region.objects.count(),
        "provinces": Province.objects.count(),
        "communes": Commune.objects.count(),
        "ministry": public[Organization.Kind.MINISTRY],
        "arefs": public[Organization.Kind.AREF],
        "provincial_directorates": public[Organization.Kind.PROVINCIAL],
        "trades": Trade.objects.count(),
        "partners": Partner.objects.count(),
        "associations": Association.objects.count(),
        "centers": Center.objects.count(),
        "center_regions": Center.objects.values("region").distinct().count(),
        "staff": StaffAssignment.objects.count(),
        "users": User.objects.count(),
        "learners": Learner.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "exits": Exit.objects.count(),
        "follow_ups": FollowUp.objects.count(),
    }

