"""The demo seed: a plausible national network, one login per role, learners, same data for a seed."""

import hashlib
import re
from collections import Counter
from contextlib import ExitStack
from datetime import date
from io import StringIO
from unittest import mock

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings

from forsa.accounts.models import Membership, User
from forsa.attendance.models import Absence, Session
from forsa.audit.models import AuditEntry
from forsa.centers.models import LATITUDE_RANGE, LONGITUDE_RANGE, Center, Group, StaffAssignment, Trade
from forsa.core.roles import Role
from forsa.demo import learners as demo_learners
from forsa.demo.network import plan_network
from forsa.demo.reference import REFERENCE_DATE
from forsa.demo.seed import DEMO_URL, seed_demo, step_rng
from forsa.demo.users import DEMO_PASSWORD, DEMO_USERS
from forsa.earlywarning.models import LearnerRisk
from forsa.learners import matching
from forsa.learners.models import (
    Consent,
    Enrollment,
    Exit,
    FollowUp,
    Guardian,
    IndividualPlan,
    Learner,
    PathwayStep,
    Placement,
    PlanReview,
    TrackParticipation,
    age_on,
)
from forsa.learners.selectors import follow_up_worklist, learner_list
from forsa.learners.services import SENSITIVE_FIELDS
from forsa.organizations.models import Association, Organization, Partner
from forsa.territory.models import Region

SEEDED_LEARNERS = 400  # enough for the distributions, quick on SQLite

FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def territory_already_loaded():
    """tests/conftest.py loaded the territory; reloading it costs seconds per seed."""
    return mock.patch(
        "forsa.demo.reference.territory_load",
        return_value={"regions": 0, "provinces": 0, "communes": 0},
    )


def seed_quickly(seed, learners=SEEDED_LEARNERS):
    with FAST_HASHER, territory_already_loaded():
        return seed_demo(seed=seed, learners=learners)


def network_digest():
    """What makes the network itself: centres, associations and staff, without ids or times."""
    rows = [
        *Center.objects.order_by("code").values_list(
            "code", "name_fr", "name_ar", "commune__code", "association__registration_number",
            "latitude", "longitude", "opening_date", "status", "capacity",
        ),
        *Association.objects.order_by("registration_number").values_list(
            "registration_number", "name", "name_ar", "president", "phone", "commune__code",
        ),
        *StaffAssignment.objects.order_by("center__code", "function", "full_name", "start_date")
        .values_list("center__code", "function", "full_name", "start_date", "user__email"),
        *Center.trades.through.objects.order_by("center__code", "trade__code")
        .values_list("center__code", "trade__code"),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def learners_digest():
    """What makes the learners: identities, placements and histories, without ids or times."""
    rows = [
        *Learner.objects.order_by("massar_code", "first_name", "last_name", "birth_date", "pk").values_list(
            "first_name", "last_name", "first_name_ar", "last_name_ar", "sex", "birth_date", "massar_code", "cin",
            "commune__code", "center__code", "status", "last_level", "reasons_left", "orphanhood",
        ),
        *Enrollment.objects.order_by("learner__massar_code", "learner__first_name", "learner__last_name",
                                     "learner__birth_date", "start_date", "pk")
        .values_list("center__code", "school_year", "start_date", "end_date", "status", "age_override_reason"),
        *Exit.objects.order_by("exit_date", "outcome", "enrollment__learner__first_name", "pk").values_list(
            "exit_date", "outcome", "programme", "employer"),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def attendance_digest():
    """The roll calls, absences and risk levels, without ids or times."""
    learner = ("learner__first_name", "learner__last_name", "learner__birth_date")
    rows = [
        *Session.objects.order_by("group__center__code", "group__school_year", "group__name", "date", "slot")
        .values_list("group__center__code", "group__name", "date", "slot", "expected", "absent", "late"),
        *Absence.objects.order_by("session__group__center__code", "session__group__name", "session__date",
                                  "session__slot", *learner, "kind")
        .values_list("session__group__name", "session__date", *learner, "kind", "justified", "reason"),
        *LearnerRisk.objects.order_by(*learner).values_list(*learner, "level", "reasons"),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def row_counts():
    models = (Organization, Trade, Partner, Association, Center, StaffAssignment, User,
              Membership, AuditEntry, Learner, Enrollment, Group, FollowUp)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """One seed shared by the read-only tests of a class, rolled back after them."""
    with ExitStack() as stack:
        stack.enter_context(django_db_blocker.unblock())
        stack.enter_context(transaction.atomic())
        report = seed_quickly(1)
        yield report
        transaction.set_rollback(True)


def demo_membership(email):
    return Membership.objects.select_related(
        "region", "province", "association", "center", "partner"
    ).get(user__email=email)


@pytest.mark.usefixtures("seeded")
@pytest.mark.django_db
class TestSeededNetwork:
    def test_public_bodies(self):
        kinds = Counter(Organization.objects.values_list("kind", flat=True))
        assert kinds == {"ministry": 1, "aref": 12, "provincial": 83}

    def test_network_size_and_spread(self):
        assert 55 <= Association.objects.count() <= 65
        assert 85 <= Center.objects.count() <= 95
        assert Partner.objects.filter(
            acronym__in=["UNICEF", "INDH", "UE", "OFPPT"]
        ).count() == 4
        trades = Trade.objects.filter(code__in=["couture", "informatique", "agriculture"])
        assert trades.count() == 3
        per_region = dict(Region.objects.annotate(n=Count("centers")).values_list("code", "n"))
        assert len(per_region) == 12 and min(per_region.values()) >= 1
        # Weighted by population: Casablanca-Settat has the most centres.
        assert per_region["06"] == max(per_region.values())
        assert Center.objects.values("commune__kind").distinct().count() == 2  # urban and rural

    def test_every_centre_is_plausible(self):
        centres = Center.objects.annotate(n_staff=Count("staff", distinct=True),
                                          n_trades=Count("trades", distinct=True))
        for centre in centres:
            assert 4 <= centre.n_staff <= 8, centre.code
            assert 2 <= centre.n_trades <= 5, centre.code
            assert 60 <= centre.capacity <= 300
            assert LATITUDE_RANGE[0] <= centre.latitude <= LATITUDE_RANGE[1]
            assert LONGITUDE_RANGE[0] <= centre.longitude <= LONGITUDE_RANGE[1]
            if centre.opening_date:
                assert date(2017, 1, 1) <= centre.opening_date <= date(2025, 12, 31)
        statuses = Counter(Center.objects.values_list("status", flat=True))
        assert statuses["open"] > 0.75 * sum(statuses.values())
        coordinators = StaffAssignment.objects.filter(function="coordinator")
        assert coordinators.count() == Center.objects.count()

    def test_associations_run_one_to_three_centres(self):
        runs = Association.objects.annotate(n=Count("centers")).values_list("n", flat=True)
        sizes = Counter(runs)
        assert set(sizes) <= {1, 2, 3} and sizes[3] >= 1

    def test_writes_went_through_the_services(self):
        audited = Counter(AuditEntry.objects.values_list("target_type__model", flat=True))
        assert audited["center"] == Center.objects.count()
        assert audited["association"] == Association.objects.count()
        assert audited["membership"] == len(DEMO_USERS)

    def test_one_demo_user_per_role_with_its_scope(self):
        roles = Counter(
            Membership.objects.filter(user__email__in=[d.email for d in DEMO_USERS])
            .values_list("role", flat=True)
        )
        assert roles == {
            Role.NATIONAL_ADMIN: 1, Role.NATIONAL_ANALYST: 1, Role.REGIONAL_MANAGER: 2,
            Role.PROVINCIAL_MANAGER: 1, Role.ASSOCIATION_MANAGER: 1, Role.CENTER_DIRECTOR: 1,
            Role.EDUCATOR: 1, Role.COUNSELLOR: 1, Role.PARTNER_VIEWER: 1, Role.REVIEWER: 1,
        }
        assert demo_membership("region.casablanca@demo.forsa.ma").region.code == "06"
        assert demo_membership("region.souss@demo.forsa.ma").region.code == "09"
        association = demo_membership("association.manager@demo.forsa.ma").association
        assert association.centers.count() == 3
        center = demo_membership("center.director@demo.forsa.ma").center
        assert center.association == association and center.status == Center.Status.OPEN
        assert demo_membership("educator@demo.forsa.ma").center == center
        assert demo_membership("counsellor@demo.forsa.ma").center == center
        province = demo_membership("province.manager@demo.forsa.ma").province
        assert province == center.province and province.centers.exists()
        assert demo_membership("partner.unicef@demo.forsa.ma").partner.name == "UNICEF Maroc"
        assert demo_membership("national.admin@demo.forsa.ma").scope_object is None

    def test_centre_users_are_on_the_staff_list(self):
        center = demo_membership("center.director@demo.forsa.ma").center
        linked = center.staff.filter(user__isnull=False).values_list("user__email", "function")
        linked = dict(linked)
        assert linked == {
            "center.director@demo.forsa.ma": "coordinator",
            "educator@demo.forsa.ma": "educator",
            "counsellor@demo.forsa.ma": "counsellor",
        }

    def test_every_association_manager_has_centres(self):
        managed = Membership.objects.filter(role=Role.ASSOCIATION_MANAGER)
        assert managed.exists()
        for membership in managed:
            assert membership.association.centers.exists()

    def test_demo_users_can_log_in(self):
        users = User.objects.filter(email__in=[d.email for d in DEMO_USERS])
        with FAST_HASHER:
            assert all(user.check_password(DEMO_PASSWORD) for user in users)
        assert Counter(users.values_list("language", flat=True)) == {"fr": 9, "ar": 2}

    def test_report_lists_the_logins(self, seeded):
        assert not seeded.already_seeded
        assert [login.email for login in seeded.logins] == [d.email for d in DEMO_USERS]
        scopes = {login.email: login.scope for login in seeded.logins}
        assert scopes["region.casablanca@demo.forsa.ma"] == "Casablanca-Settat"
        assert scopes["national.admin@demo.forsa.ma"] == "national"

    def test_the_dashboards_roll_ups_are_refreshed(self, seeded):
        from forsa.reporting.models import CentreCell, Refresh

        refreshes = {refresh.school_year: refresh.rows for refresh in Refresh.objects.all()}
        assert set(refreshes) == {"2026-2027", "2025-2026", "2024-2025"}  # the demo's year and the two before
        assert seeded.created["figure_cells"] == sum(refreshes.values()) == CentreCell.objects.count() > 0

    # -- learners (bulk-written: they must look exactly as if the services had written them) --

    def test_learner_placement_follows_the_current_enrolment(self):
        enrollments = {}
        for e in Enrollment.objects.select_related("center").order_by("start_date", "pk"):
            enrollments.setdefault(e.learner_id, []).append(e)
        learners = Learner.objects.all()
        assert learners.count() == SEEDED_LEARNERS
        for learner in learners:
            history = enrollments[learner.pk]
            active = [e for e in history if e.status == Enrollment.Status.ACTIVE]
            assert len(active) <= 1
            current = active[0] if active else history[-1]
            center = current.center
            assert (learner.center_id, learner.province_id, learner.region_id, learner.association_id) == (
                center.pk, center.province_id, center.region_id, center.association_id), learner.pk
            assert learner.status == ("enrolled" if active else "exited")
            if not active:
                assert current.status == Enrollment.Status.EXITED

    def test_search_key_is_the_one_the_services_compute(self):
        for learner in Learner.objects.all():
            assert learner.search_key == matching.search_key(
                learner.first_name, learner.last_name, learner.first_name_ar, learner.last_name_ar)

    def test_every_row_passes_validation(self):
        for model in (Learner, Guardian, Consent, Enrollment, Placement, PathwayStep, TrackParticipation, Exit,
                      FollowUp, IndividualPlan, PlanReview):
            rows = model.objects.order_by("pk")
            assert rows.exists(), model.__name__
            for row in rows[:150]:
                row.full_clean()  # formats (MASSAR, CIN, phone), choices, dates, unique codes
        learners = Learner.objects.all()
        assert all(re.fullmatch(r"[A-Z]\d{9}", code) for code in learners.exclude(massar_code="")
                   .values_list("massar_code", flat=True))
        never = learners.filter(last_level="never")
        assert never.exists() and not never.exclude(massar_code="").exists()
        # CIN only for a few, all aged 16 or more.
        with_cin = learners.exclude(cin="")
        assert 0 < with_cin.count() < 0.3 * learners.count()
        assert all(age_on(birth, REFERENCE_DATE) >= 16 for birth in with_cin.values_list("birth_date", flat=True))

    def test_enrolment_histories_are_those_of_the_services(self):
        placements, steps, tracks = {}, {}, {}
        for p in Placement.objects.select_related("group"):
            placements.setdefault(p.enrollment_id, []).append(p)
        for s in PathwayStep.objects.order_by("start_date", "pk"):
            steps.setdefault(s.enrollment_id, []).append(s)
        for t in TrackParticipation.objects.all():
            tracks.setdefault(t.enrollment_id, []).append(t)
        transfers = 0
        for e in Enrollment.objects.select_related("center", "transferred_from"):
            stages = steps[e.pk]
            assert stages[0].stage == "intake" and stages[0].start_date == e.start_date
            assert all(s.start_date <= (e.end_date or REFERENCE_DATE) for s in stages)
            assert e.school_year in ("2025-2026", "2026-2027") and e.start_date <= REFERENCE_DATE
            assert int(e.school_year[:4]) == (e.start_date.year if e.start_date.month >= 9
                                              else e.start_date.year - 1) or e.transferred_from_id
            for p in placements.get(e.pk, []):
                assert (p.group.center_id, p.group.school_year) == (e.center_id, e.school_year)
                assert p.end_date == e.end_date and p.start_date >= e.start_date
            for t in tracks.get(e.pk, []):
                assert t.end_date == e.end_date and e.start_date <= t.start_date <= (e.end_date or REFERENCE_DATE)
            age = age_on(e.learner.birth_date, e.start_date)
            assert bool(e.age_override_reason) == (not 13 <= age <= e.center.max_age)
            if e.transferred_from_id:
                before = e.transferred_from
                transfers += 1
                assert before.learner_id == e.learner_id and before.center_id != e.center_id
                assert before.status == "transferred" and before.end_date == e.start_date
            if e.status == "exited":
                assert stages[-1].stage == "exit" and stages[-1].start_date == e.end_date == e.exit.exit_date
            if e.status == "closed":
                assert e.end_date == date(2026, 6, 30) and e.school_year == "2025-2026"
        assert transfers > 0

    def test_every_exit_has_its_follow_ups(self):
        exits = Exit.objects.select_related("enrollment").prefetch_related("follow_ups")
        assert exits.count() > 0.15 * SEEDED_LEARNERS
        for exit_ in exits:
            follow_ups = sorted(exit_.follow_ups.all(), key=lambda f: f.months)
            assert [f.months for f in follow_ups] == [3, 6, 12]
            for f in follow_ups:
                assert f.due_on == exit_.exit_date + relativedelta(months=f.months)
                assert f.learner_id == exit_.enrollment.learner_id
                assert bool(f.done_on) == bool(f.situation)
                assert not f.done_on or exit_.exit_date <= f.done_on <= REFERENCE_DATE
                assert f.due_on <= REFERENCE_DATE or not f.done_on
        outcomes = Counter(exits.values_list("outcome", flat=True))
        assert {"school", "vocational", "apprenticeship", "dropout"} <= set(outcomes)
        due = FollowUp.objects.filter(due_on__lte=REFERENCE_DATE)
        assert due.filter(done_on__isnull=False).exists() and due.filter(done_on__isnull=True).exists()

    def test_sensitive_data_only_under_consent(self):
        consented = set(Consent.objects.filter(purpose="data", withdrawn_on__isnull=True)
                        .values_list("learner_id", flat=True))
        learners = Learner.objects.all()
        assert 0.85 < len(consented) / learners.count() < 0.99
        photos = Consent.objects.filter(purpose="photos").count() / learners.count()
        assert 0.6 < photos < 0.8
        for learner in learners:
            has_sensitive = any(getattr(learner, name) not in (None, "") for name in SENSITIVE_FIELDS)
            assert has_sensitive == (learner.pk in consented), learner.pk
        for consent in Consent.objects.select_related("learner", "guardian"):
            assert consent.guardian is None or consent.guardian.learner_id == consent.learner_id
            assert consent.guardian is not None or consent.learner.age(consent.given_on) >= 18

    def test_learners_are_plausible(self):
        learners = Learner.objects.all()
        n = learners.count()
        assert 0.3 <= learners.filter(sex="F").count() / n <= 0.45
        ages = Counter(age_on(e.learner.birth_date, e.start_date)
                       for e in Enrollment.objects.filter(transferred_from__isnull=True).select_related("learner"))
        assert sum(ages[a] for a in range(13, 19)) > 0.95 * sum(ages.values())
        reasons = {sex: Counter(r for rs in learners.filter(sex=sex).values_list("reasons_left", flat=True) for r in rs)
                   for sex in "FM"}
        both = reasons["F"] + reasons["M"]
        assert {r for r, _ in both.most_common(2)} == {"economic", "failure"}
        assert reasons["F"]["early_marriage"] > reasons["M"]["early_marriage"]
        assert reasons["M"]["child_labour"] > reasons["F"]["child_labour"]
        levels = Counter(learners.values_list("last_level", flat=True))
        assert sum(levels[level] for level in ("P4", "P5", "P6", "S1", "S2")) > 0.6 * n
        # They live in a commune of the province of the centre where they first enrolled.
        first = {}
        for learner_id, lives_in, center_in in Enrollment.objects.order_by("-start_date", "-pk").values_list(
                "learner", "learner__commune__province", "center__province"):
            first[learner_id] = (lives_in, center_in)
        assert all(lives_in == center_in for lives_in, center_in in first.values())
        assert 0.2 < learners.filter(commune__kind="rural").count() / n < 0.8
        assert learners.values("referral").distinct().count() == 6

    def test_names_in_both_scripts(self):
        assert len(demo_learners.GIRL_NAMES) >= 80 and len(demo_learners.BOY_NAMES) >= 80
        assert len(demo_learners.FAMILY_NAMES) >= 150
        for latin, arabic in demo_learners.GIRL_NAMES + demo_learners.BOY_NAMES + demo_learners.FAMILY_NAMES:
            assert re.fullmatch(r"[A-Za-zÀ-ÿ' ]+", latin), latin
            assert all("\u0600" <= c <= "\u06ff" or c == " " for c in arabic), arabic
        learner = Learner.objects.exclude(first_name_ar="").first()
        assert learner.first_name and learner.last_name and learner.last_name_ar

    def test_demo_centre_has_a_class_of_its_own(self):
        director = User.objects.get(email="center.director@demo.forsa.ma")
        educator = User.objects.get(email="educator@demo.forsa.ma")
        center = demo_membership(director.email).center
        current = Enrollment.objects.filter(center=center, school_year="2026-2027")
        assert 35 <= current.count() <= 45
        taught = educator.taught_groups.filter(school_year="2026-2027")
        assert taught.count() == 2 and set(taught.values_list("center", flat=True)) == {center.pk}
        assert set(taught.values_list("kind", flat=True)) == {"catch_up", "workshop"}
        visible = learner_list(user=educator)
        assert 0 < visible.count() < learner_list(user=director).count()
        assert set(visible.values_list("center", flat=True)) <= {center.pk} | set(
            Enrollment.objects.filter(placements__group__educators=educator).values_list("center", flat=True))
        assert follow_up_worklist(user=director).exists()
        assert IndividualPlan.objects.filter(enrollment__center=center).exists()
        assert PlanReview.objects.filter(plan__enrollment__center=center, reviewer=educator).exists()

    def test_groups_per_centre_and_school_year(self):
        groups = Group.objects.all()
        assert set(groups.values_list("school_year", flat=True)) == {"2025-2026", "2026-2027"}
        workshops = groups.filter(kind="workshop").select_related("trade", "center")
        for group in workshops[:50]:
            assert group.center.trades.filter(pk=group.trade_id).exists()

    def test_bulk_seeding_writes_no_audit_entries(self):
        audited = set(AuditEntry.objects.values_list("target_type__model", flat=True))
        assert not audited & {"learner", "enrollment", "exit", "followup", "group", "guardian", "consent"}

    @override_settings(DEBUG=True)
    def test_second_run_creates_nothing_and_still_prints_the_logins(self):
        # The real command, territory loading included, on top of the first run.
        before = row_counts()
        out = StringIO()
        call_command("seed_demo", "--seed", "7", stdout=out)
        assert row_counts() == before
        output = out.getvalue()
        assert "already seeded" in output
        assert "learners are seeded only with the network" in output
        for demo in DEMO_USERS:
            assert demo.email in output
        assert "Casablanca-Settat" in output and DEMO_PASSWORD in output and DEMO_URL in output


def test_same_seed_same_network_in_fresh_databases(db):
    digests = []
    for _ in range(2):
        with transaction.atomic():  # each run starts from the bare territory
            assert not Center.objects.exists()
            seed_quickly(1, learners=150)
            digests.append((network_digest(), learners_digest(), attendance_digest()))
            assert Session.objects.exists() and LearnerRisk.objects.exists()
            transaction.set_rollback(True)
    assert digests[0] == digests[1]


def test_learners_do_not_change_the_network(db):
    # Learners are a step of their own, with their own generator: the network is the same without them.
    digests = []
    for learners in (0, 150):
        with transaction.atomic():
            seed_quickly(1, learners=learners)
            digests.append(network_digest())
            assert Learner.objects.count() == learners
            transaction.set_rollback(True)
    assert digests[0] == digests[1]


def test_another_seed_places_the_network_differently(db):
    # Planning reads the territory only, so comparing plans is enough (and fast).
    def plan(seed):
        return [
            (p.region.code, [(place.province.code, place.commune.code) for place in p.places])
            for p in plan_network(rng=step_rng(seed=seed, step="network"))
        ]

    assert plan(1) == plan(1)
    assert plan(1) != plan(2)


def test_command_refuses_without_debug(db):
    # The demo password is published: it must never land in a production database.
    with pytest.raises(CommandError, match="FORSA_DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_command_refuses_a_negative_number_of_learners(db):
    with pytest.raises(CommandError, match="--learners"):
        call_command("seed_demo", "--learners", "-1", stdout=StringIO())
    assert not User.objects.exists()


def test_at_national_scale_rolls_and_risks_are_for_the_demo_centre_only(db):
    # A national school year of roll calls is bench/attendance.py's job: above the limit, the demo centre only.
    with mock.patch("forsa.demo.seed.FULL_ATTENDANCE_LEARNERS", 100):
        report = seed_quickly(1, learners=150)
    director = Membership.objects.get(user__email="center.director@demo.forsa.ma")
    assert set(Session.objects.values_list("center", flat=True).distinct()) == {director.center_id}
    assert set(LearnerRisk.objects.values_list("center", flat=True).distinct()) == {director.center_id}
    assert report.attendance.sessions == Session.objects.count() > 0
    assert "demo centre only" in report.model
