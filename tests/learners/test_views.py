"""Learner pages: scope on every page, sensitive fields, the access log, query counts, search."""

import datetime

import pytest
from django.urls import reverse

from forsa.audit.models import AuditEntry
from forsa.learners import services
from forsa.learners.models import FollowUp
from tests.factories import make_center, make_group, make_learner, make_user
from tests.queries import assert_constant_queries, count_queries
from tests.scope import SCOPED_ROLES, assert_own_visible_foreign_404, status_for

D = datetime.date.fromisoformat
NOTES = "Famille en grande difficulté, suivi CPS"


@pytest.fixture
def scene(world):
    """On each side: a learner in a group the side's educator teaches, who left with follow-ups due."""
    for label, names in (("own", ("Salma", "Berrada", "سلمى", "برادة")),
                         ("foreign", ("Youssef", "Amrani", "يوسف", "العمراني"))):
        side = world[label]
        group = make_group(side.center, educators=[side.users["educator"]], school_year="2025-2026")
        side.learner = make_learner(side.center, groups=[group], school_year="2025-2026", start_date="2025-09-15",
                                    birth_date="2010-03-14", first_name=names[0], last_name=names[1],
                                    first_name_ar=names[2], last_name_ar=names[3])
        side.graduate = make_learner(side.center, groups=[group], school_year="2025-2026", start_date="2025-09-15",
                                     birth_date="2010-06-01", first_name="Hamza", last_name=f"Sortant {label}",
                                     first_name_ar="", last_name_ar="")
        services.learner_exit(actor=None, learner=side.graduate, exit_date=D("2026-08-20"), outcome="employment",
                              employer="Atelier Nour")
        side.follow_up = FollowUp.objects.get(learner=side.graduate, months=3)
        side.consent = side.learner.consents.get()
    return world


LEARNER_PAGES = ["learners:detail", "learners:edit", "learners:transfer", "learners:exit", "learners:access_log",
                 "learners:stage", "learners:track", "learners:group", "learners:plan", "learners:guardian_add",
                 "learners:consent_add"]
# Who, within their own scope, may open each page (the others get 403 there, 404 elsewhere).
CHANGE = {"association_manager", "center_director", "educator", "counsellor"}
ALLOWED = {
    "learners:detail": set(SCOPED_ROLES),
    "learners:edit": CHANGE,
    "learners:transfer": {"association_manager", "center_director"},
    "learners:exit": {"center_director", "educator", "counsellor"},
    "learners:access_log": {"center_director"},
    **{route: CHANGE for route in ("learners:stage", "learners:track", "learners:group", "learners:plan",
                                   "learners:guardian_add", "learners:consent_add")},
}


@pytest.mark.parametrize("route", LEARNER_PAGES)
@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_learner_pages_own_scope_and_foreign_404(client, scene, role, route):
    own_status = 200 if role in ALLOWED[route] else 403
    assert_own_visible_foreign_404(client, scene, role, route, lambda s: {"pk": s.learner.pk}, own_status)


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_consent_withdrawal_own_scope_and_foreign_404(client, scene, role):
    assert_own_visible_foreign_404(client, scene, role, "learners:consent_withdraw",
                                   lambda s: {"pk": s.learner.pk, "consent_pk": s.consent.pk},
                                   200 if role in CHANGE else 403)


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_follow_up_record_own_scope_and_foreign_404(client, scene, role):
    assert_own_visible_foreign_404(client, scene, role, "learners:follow_up", lambda s: {"pk": s.follow_up.pk},
                                   200 if role in ALLOWED["learners:exit"] else 403)


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_list_and_worklist_show_only_own_scope(client, scene, role):
    client.force_login(scene["own"].users[role])
    html = client.get(reverse("learners:list")).content.decode()
    assert "Berrada" in html and "Amrani" not in html
    html = client.get(reverse("learners:follow_ups")).content.decode()
    assert "Sortant own" in html and "Sortant foreign" not in html


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_intake_own_centre_allowed_foreign_centre_404(client, scene, role):
    own_status = 200 if role in CHANGE else 403
    user = scene["own"].users[role]
    url = reverse("learners:create")
    assert status_for(client, user, f"{url}?center={scene['own'].center.pk}") == own_status
    assert status_for(client, user, f"{url}?center={scene['foreign'].center.pk}") == 404


def test_national_admin_sees_both_sides(client, scene):
    client.force_login(scene["national_admin"])
    html = client.get(reverse("learners:list")).content.decode()
    assert "Berrada" in html and "Amrani" in html
    for route in LEARNER_PAGES:
        assert client.get(reverse(route, args=[scene["foreign"].learner.pk])).status_code == 200, route


def test_partner_viewer_gets_404_on_every_learner_page(client, scene):
    learner, side = scene["own"].learner, scene["own"]
    urls = [reverse("learners:list"), reverse("learners:create"), reverse("learners:follow_ups"),
            reverse("learners:follow_up", args=[side.follow_up.pk]),
            reverse("learners:consent_withdraw", args=[learner.pk, side.consent.pk])]
    urls += [reverse(route, args=[learner.pk]) for route in LEARNER_PAGES]
    for url in urls:
        assert status_for(client, scene["partner_viewer"], url) == 404, url


def test_partner_viewer_has_no_learners_menu(client, scene):
    client.force_login(scene["partner_viewer"])
    assert reverse("learners:list") not in client.get("/").content.decode()
    client.force_login(scene["own"].users["educator"])
    assert reverse("learners:list") in client.get("/").content.decode()


def test_educator_sees_only_the_learners_of_their_groups(client, scene):
    side = scene["own"]
    outsider = make_learner(side.center, first_name="Nadia", last_name="Horsgroupe", first_name_ar="",
                            last_name_ar="", birth_date="2011-01-09")
    educator = side.users["educator"]
    client.force_login(educator)
    html = client.get(reverse("learners:list")).content.decode()
    assert "Berrada" in html and "Horsgroupe" not in html
    assert client.get(reverse("learners:detail", args=[outsider.pk])).status_code == 404
    assert client.get(reverse("learners:edit", args=[outsider.pk])).status_code == 404
    client.force_login(side.users["center_director"])
    assert client.get(reverse("learners:detail", args=[outsider.pk])).status_code == 200


@pytest.fixture
def with_notes(scene):
    services.learner_update(actor=scene["own"].users["counsellor"], learner=scene["own"].learner, notes=NOTES,
                            orphanhood="father", travel_minutes=75)
    return scene


@pytest.mark.parametrize("role, sees", [("counsellor", True), ("center_director", True), ("educator", False),
                                        ("regional_manager", False), ("association_manager", False),
                                        ("provincial_manager", False)])
def test_sensitive_fields_only_for_the_roles_that_need_them(client, with_notes, role, sees):
    client.force_login(with_notes["own"].users[role])
    html = client.get(reverse("learners:detail", args=[with_notes["own"].learner.pk])).content.decode()
    assert (NOTES in html) is sees
    assert ("household-title" in html) is sees
    assert ("75 min" in html) is sees


def test_edit_form_offers_household_fields_only_to_allowed_roles(client, with_notes):
    side = with_notes["own"]
    client.force_login(side.users["educator"])
    html = client.get(reverse("learners:edit", args=[side.learner.pk])).content.decode()
    assert 'name="notes"' not in html and NOTES not in html and 'name="orphanhood"' not in html
    client.force_login(side.users["counsellor"])
    html = client.get(reverse("learners:edit", args=[side.learner.pk])).content.decode()
    assert 'name="notes"' in html and NOTES in html


def test_file_view_is_logged_and_shown_in_the_access_log(client, scene):
    side = scene["own"]
    educator, director = side.users["educator"], side.users["center_director"]
    client.force_login(educator)
    assert client.get(reverse("learners:detail", args=[side.learner.pk])).status_code == 200
    entry = AuditEntry.objects.filter(target_id=str(side.learner.pk), action="view").get()
    assert entry.actor == educator
    client.force_login(director)
    html = client.get(reverse("learners:access_log", args=[side.learner.pk])).content.decode()
    assert educator.full_name in html


def test_access_log_link_only_for_those_allowed(client, scene):
    side = scene["own"]
    url = reverse("learners:access_log", args=[side.learner.pk])
    client.force_login(side.users["center_director"])
    assert url in client.get(reverse("learners:detail", args=[side.learner.pk])).content.decode()
    client.force_login(side.users["counsellor"])
    assert url not in client.get(reverse("learners:detail", args=[side.learner.pk])).content.decode()


def test_file_shows_identity_family_consent_pathway_and_exit(client, scene):
    side = scene["own"]
    client.force_login(side.users["center_director"])
    html = client.get(reverse("learners:detail", args=[side.learner.pk])).content.decode()
    assert 'lang="ar" dir="rtl">سلمى برادة' in html
    assert "Khadija Berrada" in html and "0611223344" in html
    assert "Rattrapage A" in html
    html = client.get(reverse("learners:detail", args=[side.graduate.pk])).content.decode()
    assert "Atelier Nour" in html and reverse("learners:follow_up", args=[side.follow_up.pk]) in html


def _history(learner, actor, other_center):
    """A transfer, a plan with reviews, stages, tracks, an exit with follow-ups done."""
    enrollment = learner.enrollments.get()
    plan = services.plan_set(actor=actor, enrollment=enrollment, goals="Lire et écrire")
    for day in ("2025-10-01", "2025-11-01", "2025-12-01"):
        services.plan_review_add(actor=actor, plan=plan, reviewed_on=D(day), notes="Progrès")
    services.pathway_advance(actor=actor, enrollment=enrollment, stage="catch_up", start_date=D("2025-10-15"))
    services.track_start(actor=actor, enrollment=enrollment, track="trade", start_date=D("2025-10-15"))
    group = make_group(other_center, name="Couture B", kind="workshop", school_year="2025-2026")
    new = services.learner_transfer(actor=None, learner=learner, to_center=other_center,
                                    transfer_date=D("2026-01-10"), groups=[group])
    services.plan_review_add(actor=actor, plan=services.plan_set(actor=None, enrollment=new, goals="CAP"),
                             reviewed_on=D("2026-02-01"), notes="Bien")
    services.learner_exit(actor=None, learner=learner, exit_date=D("2026-06-30"), outcome="school",
                          school_level="S1", school_name="Collège Ibn Battouta")
    for follow_up in FollowUp.objects.filter(learner=learner, months=3):
        services.follow_up_record(actor=None, follow_up=follow_up, done_on=D("2026-10-01"), situation="school")


def test_file_query_count_does_not_grow_with_history(client, scene):
    """One enrolment (with a plan review and an exit) against a transfer, more reviews, stages and tracks.

    Django skips a prefetch that has nothing to fetch, so both files hold each kind of row at least once.
    """
    side, admin = scene["own"], scene["national_admin"]
    group = make_group(side.center, name="Rattrapage 2025", school_year="2025-2026")
    simple, rich = (make_learner(side.center, school_year="2025-2026", start_date="2025-09-15", groups=[group],
                                 birth_date="2010-02-02", first_name=name, last_name="Parcours", first_name_ar="",
                                 last_name_ar="") for name in ("Rim", "Anas"))
    plan = services.plan_set(actor=admin, enrollment=simple.enrollments.get(), goals="Lire et écrire")
    services.plan_review_add(actor=admin, plan=plan, reviewed_on=D("2025-10-01"), notes="Progrès")
    services.learner_exit(actor=None, learner=simple, exit_date=D("2026-06-30"), outcome="moved")
    _history(rich, admin, make_center(side.association, "01"))
    client.force_login(admin)
    client.get(reverse("learners:detail", args=[simple.pk]))  # warm up the session
    counts = [count_queries(client, reverse("learners:detail", args=[learner.pk])) for learner in (simple, rich)]
    assert counts[0] == counts[1] <= 20, counts


def test_list_query_count_does_not_grow(client, scene):
    side = scene["own"]
    client.force_login(side.users["center_director"])

    def grow():
        for i in range(15):
            make_learner(side.center, first_name=f"Prénom{i}", last_name="Nombreux", first_name_ar="",
                         last_name_ar="", birth_date=f"2011-01-{i + 1:02d}")

    assert_constant_queries(client, reverse("learners:list"), grow, at_most=14)
    assert_constant_queries(client, reverse("learners:follow_ups"), grow, at_most=14)


@pytest.fixture
def searchable(world):
    center = world["own"].center
    return {
        "arabic": make_learner(center, first_name="", last_name="", first_name_ar="مريم", last_name_ar="الفاسي",
                               birth_date="2011-04-04"),
        "latin": make_learner(center, first_name="Hélène", last_name="Aït Ouaziz", first_name_ar="",
                              last_name_ar="", birth_date="2012-05-05", massar_code="J130045678"),
        "other": make_learner(center, first_name="Omar", last_name="Tazi", first_name_ar="عمر",
                              last_name_ar="التازي", birth_date="2010-06-06", cin="BK123456", sex="M"),
    }


@pytest.mark.parametrize("query, expected", [
    ("مريم", "arabic"), ("الفاسى", "arabic"), ("helene", "latin"), ("AÏT ouaziz", "latin"), ("HÉLÈNE", "latin"),
    ("J130045678", "latin"), ("j130045678", "latin"), ("BK123456", "other"), ("التازي", "other"),
    # spelling variants, and a Latin query finding an Arabic-only record (and the reverse)
    ("meriem", "arabic"), ("el fassi", "arabic"), ("Elfassi", "arabic"), ("elene", "latin"), ("tazzi", "other"),
    ("Ait Wazziz", "latin"), ("تازي", "other"),
])
def test_search_by_name_in_either_script_massar_and_cin(client, world, searchable, query, expected):
    client.force_login(world["own"].users["center_director"])
    response = client.get(reverse("learners:list"), {"q": query})
    shown = {key for key, learner in searchable.items() if reverse("learners:detail", args=[learner.pk]) in
             response.content.decode()}
    assert shown == {expected}


def test_htmx_filter_returns_only_the_results(client, world, searchable):
    client.force_login(world["own"].users["center_director"])
    response = client.get(reverse("learners:list"), {"q": "omar", "sex": "M"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Tazi" in html and "Ouaziz" not in html


def test_filters_narrow_the_list(client, world, searchable):
    client.force_login(world["own"].users["center_director"])
    html = client.get(reverse("learners:list"), {"sex": "M"}).content.decode()
    assert "Tazi" in html and "Ouaziz" not in html


def test_a_learner_named_in_arabic_only_is_named_on_french_pages(client, world):
    learner = make_learner(world["own"].center, first_name="", last_name="", first_name_ar="مريم",
                           last_name_ar="الفاسي", birth_date="2011-04-04")
    client.force_login(world["own"].users["center_director"])
    html = client.get(reverse("learners:detail", args=[learner.pk])).content.decode()
    assert '<h1><span lang="ar" dir="rtl">مريم الفاسي</span></h1>' in html
    assert "<title>مريم الفاسي · Forsa</title>" in html
    html = client.get(reverse("learners:edit", args=[learner.pk])).content.decode()
    assert '<span lang="ar" dir="rtl">مريم الفاسي</span></a></p>' in html


def test_arabic_interface_names_the_learner_in_arabic_first(client, world):
    learner = make_learner(world["own"].center)
    user = world["own"].users["center_director"]
    user.language = "ar"
    user.save()
    client.force_login(user)
    html = client.get(reverse("learners:detail", args=[learner.pk])).content.decode()
    assert ('<h1><span lang="ar" dir="rtl">سلمى برادة</span> <small class="name-ar">'
            '<span dir="ltr">Salma Berrada') in html


def test_group_filter_offers_only_the_chosen_centres_groups(client, world):
    own = world["own"]
    mine = make_group(own.center, "Atelier A", "workshop")
    other_center = make_center(own.association, "01")
    theirs = make_group(other_center, "Atelier B", "workshop")
    client.force_login(world["national_admin"])
    offered = client.get(reverse("learners:list")).context["filter"].form.fields["group"].queryset
    assert not offered.exists()  # no centre chosen: no list of every group in the country
    response = client.get(reverse("learners:list"), {"center": own.center.pk}, HTTP_HX_REQUEST="true")
    offered = response.context["filter"].form.fields["group"].queryset
    assert list(offered) == [mine] and theirs not in offered
    assert 'hx-swap-oob="true"' in response.content.decode()  # the select follows the centre


def test_counts_stop_at_the_cap(world, monkeypatch):
    from forsa.core import pagination
    from forsa.learners.models import Learner

    for name in ("Amal", "Badr", "Chama"):
        make_learner(world["own"].center, first_name=name, birth_date="2011-02-0" + str(len(name)))
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    paginator = pagination.ListPaginator(Learner.objects.order_by("first_name"), 2)
    assert paginator.count == 3 and paginator.is_capped
    assert [learner.first_name for learner in paginator.page(1)] == ["Amal", "Badr"]  # deferred join keeps order


def test_file_query_count_does_not_grow_with_enrolments_follow_ups_and_reviews(client, scene):
    """A file that already holds one of each row, then a return after the exit (in another centre), more
    reviews by other people, a second exit and follow-ups recorded by different users (the page names who
    reviewed and who recorded each follow-up)."""
    side, admin = scene["own"], scene["national_admin"]
    director = side.users["center_director"]
    group = make_group(side.center, name="Rattrapage 2025", school_year="2025-2026")
    learner = make_learner(side.center, school_year="2025-2026", start_date="2025-09-15", groups=[group],
                           birth_date="2010-02-02", first_name="Rim", last_name="Retour", first_name_ar="",
                           last_name_ar="")
    enrollment = learner.enrollments.get()
    services.track_start(actor=admin, enrollment=enrollment, track="trade", start_date=D("2025-10-15"))
    plan = services.plan_set(actor=admin, enrollment=enrollment, goals="Lire et écrire")
    services.plan_review_add(actor=director, plan=plan, reviewed_on=D("2025-10-01"), notes="Progrès")
    services.learner_exit(actor=None, learner=learner, exit_date=D("2026-01-31"), outcome="dropout",
                          dropout_reason="economic")
    services.follow_up_record(actor=director, follow_up=learner.follow_ups.get(months=3), done_on=D("2026-05-01"),
                              situation="nothing")
    other = make_center(side.association, "01")
    staff = [make_user(role, other) for role in ("center_director", "counsellor")]

    def grow():
        workshop = make_group(other, name="Couture", kind="workshop", school_year="2025-2026")
        again = services.learner_enroll(actor=admin, learner=learner, center=other, school_year="2025-2026",
                                        start_date=D("2026-02-15"), groups=[workshop])
        services.track_start(actor=admin, enrollment=again, track="psychosocial", start_date=D("2026-02-16"))
        services.pathway_advance(actor=admin, enrollment=again, stage="catch_up", start_date=D("2026-03-01"))
        plan = services.plan_set(actor=admin, enrollment=again, goals="Reprendre confiance")
        for day, reviewer in zip(("2026-03-01", "2026-04-01", "2026-05-01"), [*staff, admin], strict=True):
            services.plan_review_add(actor=reviewer, plan=plan, reviewed_on=D(day), notes="Suivi")
        services.guardian_add(actor=admin, learner=learner, full_name="Omar Retour", relation="father")
        services.consent_record(actor=admin, learner=learner, purpose="photos", given_on=D("2026-02-15"),
                                guardian=learner.guardians.last())
        services.learner_exit(actor=None, learner=learner, exit_date=D("2026-06-30"), outcome="school",
                              school_level="S1", school_name="Collège Ibn Battouta")
        for months, user in ((6, staff[0]), (12, staff[1])):
            follow_up = learner.follow_ups.get(months=months, exit__enrollment=enrollment)
            services.follow_up_record(actor=user, follow_up=follow_up, done_on=D("2026-11-01"), situation="school")
        services.follow_up_record(actor=admin, follow_up=learner.follow_ups.get(months=3, exit__enrollment=again),
                                  done_on=D("2026-10-01"), situation="school")

    client.force_login(admin)
    url = reverse("learners:detail", args=[learner.pk])
    assert_constant_queries(client, url, grow, at_most=20)
    html = client.get(url).content.decode()
    assert all(user.full_name in html for user in (director, *staff, admin))


def test_the_name_in_the_interface_languages_script_comes_first(client, world, searchable):
    director = world["own"].users["center_director"]
    client.force_login(director)
    omar = reverse("learners:detail", args=[searchable["other"].pk])
    for language, first, second in (("ar", "عمر التازي", "Omar Tazi"), ("fr", "Omar Tazi", "عمر التازي")):
        director.language = language
        director.save(update_fields=["language"])
        html = client.get(reverse("learners:list")).content.decode()
        row = html[html.index(f'href="{omar}"'):]
        assert first in row and second in row and row.index(first) < row.index(second), language
