"""The scoping registry: rules gathered from the models, the system checks forsa.E101–E105 firing on
broken examples and silent on the project, anchors that agree with paths, aggregate-only reads."""
# ruff: noqa: DJ008  (the models defined here are broken examples, never shown)

import datetime

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.db.models import Q
from django.test.utils import isolate_apps

from forsa.attendance.models import Session
from forsa.centers.models import Center
from forsa.core import scoping
from forsa.core.checks import scoping_rule_errors, scoping_rules
from forsa.core.scoping import ScopedQuerySet
from forsa.learners.models import Learner, Placement
from tests.factories import make_group, make_learner


def ids(errors):
    return sorted(error.id for error in errors)


def test_the_project_has_no_scoping_error():
    assert scoping_rules(None) == []
    call_command("check")  # the check is registered and passes


def test_rules_are_gathered_from_the_models_and_through_reads_the_parent_from_the_relation():
    rules = scoping.load_rules()
    assert rules["learners.Learner"] is vars(Learner)["scope_rule"]
    assert rules["learners.Placement"].paths["center"] == "enrollment__learner__center"
    assert rules["centers.Group"].group_staff == "educators"
    assert rules["attendance.Session"].paths == {key: f"center__{path}" for key, path in
                                                 vars(Center)["scope_rule"].paths.items()}
    assert "accounts.Membership" not in rules  # it makes the scope: a plain manager, no rule


@isolate_apps("forsa.core")
def test_a_scoped_model_without_a_rule_fires_e101_and_a_plain_one_does_not():
    class Unruled(models.Model):
        objects = ScopedQuerySet.as_manager()

        class Meta:
            app_label = "core"

    class Plain(models.Model):
        class Meta:
            app_label = "core"

    assert ids(scoping_rule_errors([Unruled, Plain])) == ["forsa.E101"]


@isolate_apps("forsa.core")
def test_paths_that_do_not_resolve_or_end_elsewhere_fire_e102():
    class Place(models.Model):
        objects = ScopedQuerySet.as_manager()
        scope_rule = scoping.Rule(public=True)

        class Meta:
            app_label = "core"

    class Broken(models.Model):
        place = models.ForeignKey(Place, models.CASCADE)
        objects = ScopedQuerySet.as_manager()
        scope_rule = scoping.Rule(paths={"region": "nowhere", "center": "place", "commune": "place"})

        class Meta:
            app_label = "core"

    errors = scoping_rule_errors([Place, Broken])
    assert ids(errors) == ["forsa.E102"] * 3
    messages = " ".join(error.msg for error in errors)
    assert "'nowhere' does not resolve" in messages and "ends at core.Place, not at centers.Center" in messages
    assert "'commune' is not a scope key" in messages


def test_a_real_rule_patched_to_the_wrong_target_fires_e102(monkeypatch):
    monkeypatch.setattr(Center, "scope_rule", scoping.Rule(paths={"region": "province", "center": "pk"}))
    errors = scoping_rule_errors([Center])
    assert ids(errors) == ["forsa.E102"] and "territory.Province, not at territory.Region" in errors[0].msg


@isolate_apps("forsa.core")
def test_a_rule_without_a_scoped_manager_fires_e103():
    class Unread(models.Model):
        scope_rule = scoping.Rule(public=True)

        class Meta:
            app_label = "core"

    assert ids(scoping_rule_errors([Unread])) == ["forsa.E103"]


@isolate_apps("forsa.core")
def test_a_through_that_leads_nowhere_fires_e104_and_its_model_stays_invisible():
    class Parent(models.Model):
        objects = ScopedQuerySet.as_manager()

        class Meta:
            app_label = "core"

    class Orphan(models.Model):
        parent = models.ForeignKey(Parent, models.CASCADE)
        objects = ScopedQuerySet.as_manager()
        scope_rule = scoping.through("parent")

        class Meta:
            app_label = "core"

    class Lost(models.Model):
        objects = ScopedQuerySet.as_manager()
        scope_rule = scoping.through("missing")

        class Meta:
            app_label = "core"

    errors = scoping_rule_errors([Orphan, Lost])
    assert ids(errors) == ["forsa.E104", "forsa.E104"]
    assert "which has no scope_rule" in errors[0].msg and "names no relation" in errors[1].msg
    try:
        assert scoping.load_rules([Orphan, Lost]) == {}
    finally:
        scoping.load_rules()


@isolate_apps("forsa.core")
def test_persons_shown_to_partners_fire_e105():
    class Person(models.Model):
        objects = ScopedQuerySet.as_manager()
        scope_rule = scoping.Rule(holds_persons=True, partners_see=True)

        class Meta:
            app_label = "core"

    assert ids(scoping_rule_errors([Person])) == ["forsa.E105"]


# Anchors agree with paths -----------------------------------------------------------------


@pytest.fixture
def rows(world):
    """Learners placed in groups of both sides, with a roll call each."""
    from forsa.attendance import services

    for label in ("own", "foreign"):
        side = world[label]
        group = make_group(side.center, educators=[side.users["educator"]])
        learner = make_learner(side.center, groups=[group])
        services.roll_call_record(actor=None, group=group, date=datetime.date(2026, 10, 5), slot="morning",
                                  marks={learner.pk: {"kind": "absent"}})
    return world


def test_each_rules_anchor_agrees_with_its_paths(rows):
    """For a sample of every scoped model with rows, each anchor value is reached by the key's path in
    SQL (what can() checks is what visible() filters on)."""
    checked = set()
    for label, rule in scoping.load_rules().items():
        model = apps.get_model(label)
        for obj in model._base_manager.order_by("pk")[:5]:
            for key, value in rule.anchor(obj).items():
                if value is None:
                    continue
                path = rule.alternatives(key)[0]
                assert model._base_manager.filter(pk=obj.pk, **{f"{path}__in": [value]}).exists(), (label, key)
                checked.add(label)
    assert {"centers.Center", "centers.Group", "learners.Learner", "learners.Enrollment", "learners.Placement",
            "attendance.Session", "learners.Guardian", "learners.Consent"} <= checked


def test_the_anchor_follows_the_first_to_one_path(rows):
    own = rows["own"]
    placement = Placement.objects.filter(group__center=own.center).first()
    assert scoping.rule_for(Placement).anchor(placement) == {
        "region": own.center.region_id, "province": own.center.province_id,
        "association": own.association.pk, "center": own.center.pk}
    from forsa.organizations.models import Association

    # An association's region and province go through its centres (to-many) first: no anchor from its seat.
    assert scoping.rule_for(Association).anchor(own.association) == {"association": own.association.pk}


# Aggregate-only access --------------------------------------------------------------------


def test_partners_count_the_rows_of_their_centres_and_see_no_person(rows):
    partner, national = rows["partner_viewer"], rows["national_admin"]
    assert scoping.scope_of(partner).aggregates_only and not scoping.scope_of(national).aggregates_only
    for model in (Learner, Session, Placement):
        assert not model.objects.for_user(partner).exists()
        assert model.objects.for_aggregates(partner).count() == model.objects.count() == 2
        assert model.objects.for_aggregates(national).count() == 2
    director = rows["own"].users["center_director"]
    assert set(Session.objects.for_aggregates(director)) == set(Session.objects.for_user(director))
    assert Session.objects.for_aggregates(director).count() == 1


def test_holds_persons_keeps_persons_from_partners_whatever_else_the_rule_says(rows, monkeypatch):
    partner = rows["partner_viewer"]
    monkeypatch.setitem(scoping.RULES, "learners.Learner",
                        scoping.Rule(paths={"center": "center"}, holds_persons=True, partners_see=True))
    assert not Learner.objects.for_user(partner).exists()
    monkeypatch.setitem(scoping.RULES, "learners.Learner", scoping.Rule(paths={"center": "center"}, partners_see=True))
    assert Learner.objects.for_user(partner).count() == 2


def test_private_rows_are_seen_by_the_holders_of_the_private_roles_only(world, monkeypatch):
    """A public rule with private rows (draft calls): national admins and the managers of the row's
    region see them; others, national analysts and partners do not."""
    monkeypatch.setitem(scoping.RULES, "centers.Center", scoping.Rule(
        public=True, paths={"region": "region"}, private=Q(code__startswith="C-01"),
        private_roles=frozenset({"national_admin", "regional_manager"})))
    own, foreign = world["own"], world["foreign"]  # own is in region 01, foreign in 06
    assert set(Center.objects.for_user(world["national_admin"])) == {own.center, foreign.center}
    assert set(Center.objects.for_user(own.users["regional_manager"])) == {own.center, foreign.center}
    for user in (foreign.users["regional_manager"], world["national_analyst"], own.users["center_director"]):
        assert set(Center.objects.for_user(user)) == {foreign.center}, user
    assert not Center.objects.for_user(world["partner_viewer"]).filter(pk=own.center.pk).exists()
