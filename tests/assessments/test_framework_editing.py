"""Editing the competency framework: poles, domains and the scale of levels of a draft version.

A published or retired version is frozen (the services refuse, saying why); only national admins
edit (others get 403 on every page and the services refuse); past results keep reading the labels
of the version they were taken under once a new version with another scale is published."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from forsa.assessments import selectors, services
from forsa.assessments.models import Domain, Framework, LevelDescriptor, Pole
from forsa.audit.models import AuditEntry
from tests.assessments.conftest import competency
from tests.queries import assert_constant_queries
from tests.scope import SCOPED_ROLES

pytestmark = pytest.mark.django_db

SCALE = {1: ("Débutant", "مبتدئ"), 2: ("Intermédiaire", "متوسط"), 3: ("Avancé", "متقدم")}


@pytest.fixture
def draft(framework, national_admin):
    return services.framework_draft_create(actor=national_admin, source=framework)


def _messages(error):
    return " ".join(error.value.messages)


# ---------------------------------------------------------------------------
# Services


def test_pole_save_adds_and_changes_a_pole_of_a_draft(draft, national_admin):
    pole = services.pole_save(actor=national_admin, pole=Pole(framework=draft), code="DIG",
                              name_fr="Compétences numériques", name_ar="الكفايات الرقمية", position=5)
    assert draft.poles.get(code="DIG").name_ar == "الكفايات الرقمية"
    services.pole_save(actor=national_admin, pole=pole, name_fr="Numérique", position=6)
    pole.refresh_from_db()
    assert (pole.name_fr, pole.position, pole.code) == ("Numérique", 6, "DIG")
    assert AuditEntry.objects.filter(action="update", target_id=str(pole.pk), target_type__model="pole").exists()


def test_pole_codes_are_unique_within_the_version_and_the_french_name_is_required(draft, national_admin):
    with pytest.raises(ValidationError) as error:
        services.pole_save(actor=national_admin, pole=Pole(framework=draft), code="MATH", name_fr="Bis")
    assert "code" in error.value.error_dict and "MATH" in _messages(error)
    with pytest.raises(ValidationError) as error:
        services.pole_save(actor=national_admin, pole=Pole(framework=draft), code="NEW", name_fr="")
    assert "name_fr" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.pole_save(actor=national_admin, pole=draft.poles.get(code="FR"), code="AR")
    assert "code" in error.value.error_dict
    assert draft.poles.filter(code="FR").exists() and not draft.poles.filter(code="NEW").exists()


def test_domain_save_changes_and_moves_a_domain_within_the_draft(draft, national_admin):
    domain = Domain.objects.get(pole__framework=draft, code="LIFE-SOC")
    math = draft.poles.get(code="MATH")
    services.domain_save(actor=national_admin, domain=domain, name_fr="Nouveau nom", name_ar="اسم جديد", pole=math)
    domain.refresh_from_db()
    assert (domain.name_fr, domain.name_ar, domain.pole_id) == ("Nouveau nom", "اسم جديد", math.pk)
    # Its competencies follow it, still in the draft.
    assert set(domain.competencies.values_list("framework_id", flat=True)) <= {draft.pk}


def test_domain_codes_are_unique_within_the_version_and_stay_in_it(framework, draft, national_admin):
    other_pole = draft.poles.get(code="FR")
    with pytest.raises(ValidationError) as error:  # AR-READ exists under the Arabic pole of the same version
        services.domain_save(actor=national_admin, domain=Domain(pole=other_pole), code="AR-READ", name_fr="Lecture")
    assert "code" in error.value.error_dict and "AR-READ" in _messages(error)
    domain = Domain.objects.get(pole__framework=draft, code="FR-READ")
    with pytest.raises(ValidationError) as error:
        services.domain_save(actor=national_admin, domain=domain, pole=framework.poles.get(code="FR"))
    assert "figée" in _messages(error)  # the target pole's version is published: frozen
    with pytest.raises(ValidationError) as error:
        services.domain_save(actor=national_admin, domain=Domain.objects.get(pk=domain.pk), name_fr="")
    assert "name_fr" in error.value.error_dict
    assert Domain.objects.get(pk=domain.pk).name_fr == "Lecture"


def test_scale_save_replaces_the_whole_scale_of_a_draft(draft, national_admin):
    services.scale_save(actor=national_admin, framework=draft, levels=3, descriptors=SCALE)
    draft.refresh_from_db()
    assert draft.levels == 3
    assert [(d.level, d.text_fr, d.text_ar) for d in selectors.scale_of(draft)] == [
        (level, fr, ar) for level, (fr, ar) in SCALE.items()]
    five = SCALE | {4: ("Expert", "خبير"), 5: ("Formateur", "مكوِّن")}
    services.scale_save(actor=national_admin, framework=draft, levels=5, descriptors=five)
    assert [d.text_fr for d in selectors.scale_of(draft)] == [fr for fr, _ar in five.values()]
    assert Framework.objects.get(pk=draft.pk).levels == 5


def test_a_scale_needs_every_level_in_french_and_none_outside(draft, national_admin):
    before = [(d.level, d.text_fr) for d in selectors.scale_of(draft)]
    with pytest.raises(ValidationError) as error:
        services.scale_save(actor=national_admin, framework=draft, levels=4, descriptors=SCALE | {4: ("", "خبير")})
    assert "text_fr_4" in error.value.error_dict and "Niveau 4" in _messages(error)
    with pytest.raises(ValidationError) as error:
        services.scale_save(actor=national_admin, framework=draft, levels=3,
                            descriptors=SCALE | {5: ("Hors échelle", "")})
    assert "text_fr_5" in error.value.error_dict and "hors de l'échelle" in _messages(error)
    with pytest.raises(ValidationError) as error:
        services.scale_save(actor=national_admin, framework=draft, levels=7, descriptors=SCALE)
    assert "levels" in error.value.error_dict
    # Nothing half-written: the scale is the one copied from the published version.
    assert [(d.level, d.text_fr) for d in selectors.scale_of(draft)] == before
    assert Framework.objects.get(pk=draft.pk).levels == 4


def test_a_scale_cannot_leave_a_competency_descriptor_outside_it(draft, national_admin):
    math = competency(draft, "MATH-NUM-2")
    LevelDescriptor.objects.create(framework=draft, competency=math, level=4, text_fr="Calcule mentalement")
    with pytest.raises(ValidationError) as error:
        services.scale_save(actor=national_admin, framework=draft, levels=3, descriptors=SCALE)
    assert "MATH-NUM-2" in _messages(error)


@pytest.mark.parametrize("status", ["published", "retired"])
def test_a_published_or_retired_version_is_frozen(framework, draft, national_admin, status):
    if status == "retired":
        services.framework_publish(actor=national_admin, framework=draft)
        framework.refresh_from_db()
    assert framework.status == status
    pole = framework.poles.get(code="MATH")
    domain = pole.domains.first()
    attempts = [
        lambda: services.pole_save(actor=national_admin, pole=Pole(framework=framework), code="NEW", name_fr="N"),
        lambda: services.pole_save(actor=national_admin, pole=pole, name_fr="Changé"),
        lambda: services.domain_save(actor=national_admin, domain=Domain(pole=pole), code="MATH-NEW", name_fr="N"),
        lambda: services.domain_save(actor=national_admin, domain=domain, name_fr="Changé"),
        lambda: services.scale_save(actor=national_admin, framework=framework, levels=3, descriptors=SCALE),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert f"version {framework.version}" in _messages(error).lower() and "figée" in _messages(error)
    assert Pole.objects.get(pk=pole.pk).name_fr != "Changé" and Domain.objects.get(pk=domain.pk).name_fr != "Changé"
    assert not framework.poles.filter(code="NEW").exists()
    assert Framework.objects.get(pk=framework.pk).levels == 4 and len(selectors.scale_of(framework)) == 4


def test_only_national_admins_edit_the_framework(world, draft):
    pole = draft.poles.get(code="MATH")
    domain = pole.domains.first()
    for role in SCOPED_ROLES:
        actor = world["own"].users[role]
        for attempt in (
            lambda actor=actor: services.pole_save(actor=actor, pole=Pole(framework=draft), code="NEW", name_fr="N"),
            lambda actor=actor: services.pole_save(actor=actor, pole=pole, name_fr="Changé"),
            lambda actor=actor: services.domain_save(actor=actor, domain=domain, name_fr="Changé"),
            lambda actor=actor: services.scale_save(actor=actor, framework=draft, levels=3, descriptors=SCALE),
        ):
            with pytest.raises(PermissionDenied):
                attempt()
    assert Pole.objects.get(pk=pole.pk).name_fr != "Changé" and Framework.objects.get(pk=draft.pk).levels == 4


def test_past_results_keep_their_version_labels_after_a_new_scale_is_published(scene, national_admin):
    framework, own = scene["framework"], scene["own"]
    old_scale = [(d.level, d.text_fr) for d in selectors.scale_of(framework)]
    draft = services.framework_draft_create(actor=national_admin, source=framework)
    services.scale_save(actor=national_admin, framework=draft, levels=3, descriptors=SCALE)
    services.pole_save(actor=national_admin, pole=draft.poles.get(code="MATH"), name_fr="Numératie")
    services.framework_publish(actor=national_admin, framework=draft)

    grid = selectors.results_grid(user=own.users["educator"], assessment=own.diagnostic)
    assert grid.assessment.framework.levels == 4
    assert [(d.level, d.text_fr) for d in grid.scale] == old_scale
    assert competency(framework, "MATH-NUM-2").domain.pole.name_fr == "Mathématiques"
    assert grid.values[(own.learners[1].pk, competency(framework, "MATH-NUM-2").pk)] == 2
    assert [d.text_fr for d in selectors.scale_of(selectors.framework_published())] == [
        fr for fr, _ar in SCALE.values()]


# ---------------------------------------------------------------------------
# Pages


def _new_pages(framework, draft):
    pole = draft.poles.get(code="MATH")
    return [reverse("assessments:pole_new", args=[draft.pk]),
            reverse("assessments:pole_edit", args=[draft.pk, pole.pk]),
            reverse("assessments:domain_edit", args=[draft.pk, pole.domains.first().pk]),
            reverse("assessments:scale_edit", args=[draft.pk])]


def test_every_new_page_is_for_national_admins_only(client, world, framework, draft, national_admin):
    urls = _new_pages(framework, draft)
    for role in SCOPED_ROLES:
        client.force_login(world["own"].users[role])
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
            assert client.post(url, {"code": "X", "name_fr": "X", "levels": 2}).status_code == 403, (role, url)
    client.force_login(national_admin)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_add_and_edit_a_pole_a_domain_and_the_scale_from_the_pages(client, framework, draft, national_admin):
    client.force_login(national_admin)
    page = client.get(reverse("assessments:framework", args=[draft.pk])).content.decode()
    for url in _new_pages(framework, draft):
        assert f'href="{url}"' in page
    response = client.post(reverse("assessments:pole_new", args=[draft.pk]), {
        "code": "DIG", "name_fr": "Numérique", "name_ar": "الرقمي", "position": 5})
    assert response.status_code == 302 and draft.poles.filter(code="DIG", name_ar="الرقمي").exists()
    response = client.post(reverse("assessments:pole_new", args=[draft.pk]), {
        "code": "DIG", "name_fr": "Encore", "name_ar": "", "position": 6})
    assert response.status_code == 200 and "DIG" in response.content.decode()
    assert draft.poles.filter(code="DIG").count() == 1

    domain = Domain.objects.get(pole__framework=draft, code="FR-READ")
    response = client.post(reverse("assessments:domain_edit", args=[draft.pk, domain.pk]), {
        "pole": domain.pole_id, "code": "FR-READ", "name_fr": "Lecture et compréhension", "name_ar": "القراءة والفهم",
        "position": 1})
    assert response.status_code == 302
    domain.refresh_from_db()
    assert (domain.name_fr, domain.name_ar) == ("Lecture et compréhension", "القراءة والفهم")

    data = {"levels": 3} | {f"text_fr_{level}": fr for level, (fr, _ar) in SCALE.items()} | {
        f"text_ar_{level}": ar for level, (_fr, ar) in SCALE.items()}
    response = client.post(reverse("assessments:scale_edit", args=[draft.pk]), data | {"text_fr_2": ""})
    assert response.status_code == 200 and "Niveau 2" in response.content.decode()
    assert Framework.objects.get(pk=draft.pk).levels == 4
    response = client.post(reverse("assessments:scale_edit", args=[draft.pk]), data)
    assert response.status_code == 302
    assert [d.text_ar for d in selectors.scale_of(draft)] == [ar for _fr, ar in SCALE.values()]
    page = client.get(reverse("assessments:framework", args=[draft.pk])).content.decode()
    assert "Intermédiaire" in page and "Lecture et compréhension" in page and "Numérique" in page


def test_a_frozen_version_shows_no_edit_link_and_refuses_a_post(client, framework, draft, national_admin):
    client.force_login(national_admin)
    page = client.get(reverse("assessments:framework", args=[framework.pk])).content.decode()
    assert reverse("assessments:scale_edit", args=[framework.pk]) not in page
    assert reverse("assessments:pole_new", args=[framework.pk]) not in page
    pole = framework.poles.get(code="MATH")
    response = client.post(reverse("assessments:pole_edit", args=[framework.pk, pole.pk]), {
        "code": "MATH", "name_fr": "Changé", "name_ar": "", "position": 0})
    assert response.status_code == 200 and "figée" in response.content.decode()
    assert Pole.objects.get(pk=pole.pk).name_fr == "Mathématiques"


def test_a_pole_or_domain_of_another_version_is_404(client, framework, draft, national_admin):
    client.force_login(national_admin)
    pole = framework.poles.get(code="MATH")
    assert client.get(reverse("assessments:pole_edit", args=[draft.pk, pole.pk])).status_code == 404
    assert client.get(reverse("assessments:domain_edit", args=[draft.pk, pole.domains.first().pk])).status_code == 404


def test_the_framework_page_queries_do_not_grow_with_poles_and_competencies(client, draft, national_admin):
    client.force_login(national_admin)
    url = reverse("assessments:framework", args=[draft.pk])

    def grow():
        for rank in range(3):
            pole = services.pole_save(actor=national_admin, pole=Pole(framework=draft), code=f"NEW{rank}",
                                      name_fr=f"Pôle {rank}")
            domain = services.domain_save(actor=national_admin, domain=Domain(pole=pole), code=f"NEW{rank}-D",
                                          name_fr="Domaine")
            for index in range(3):
                services.competency_save(actor=national_admin, competency=selectors.Competency(
                    domain=domain, code=f"NEW{rank}-D-{index}", name_fr="C", reference_level="P2"))

    assert_constant_queries(client, url, grow, at_most=15)
