"""Test data built through the services, as the application would."""

import itertools
from dataclasses import dataclass, field

import factory

from forsa.accounts.models import Membership, User
from forsa.centers.models import Center, Trade
from forsa.centers.services import center_create
from forsa.core.roles import ROLE_SCOPE_FIELD
from forsa.organizations.models import Association
from forsa.organizations.services import association_create
from forsa.territory.models import Commune

PASSWORD = "correct horse battery staple"
_serial = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@forsa.test")
    full_name = factory.Faker("name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_user(role, scope_object=None, **fields):
    user = UserFactory(**fields)
    key = ROLE_SCOPE_FIELD[role]
    Membership.objects.create(user=user, role=role, **({key: scope_object} if key else {}))
    return user


def commune_in(region_code, index=0):
    return Commune.objects.filter(province__region__code=region_code).order_by("code")[index]


def make_association(region_code="01", **fields):
    n = next(_serial)
    values = {
        "name": f"Association Test {n}", "name_ar": f"جمعية الاختبار {n}",
        "registration_number": f"REG-{n:05d}", "president": "Fatima Zahra Alaoui",
        "phone": "0612345678", "email": f"asso{n}@forsa.test", "commune": commune_in(region_code),
    }
    return association_create(actor=None, **(values | fields))


def make_center(association=None, region_code="01", **fields):
    n = next(_serial)
    association = association or make_association(region_code)
    values = {
        "code": f"C-{region_code}-{n:04d}", "name_fr": f"Centre E2C {n}", "name_ar": f"مركز الفرصة الثانية {n}",
        "commune": commune_in(region_code, n % 5), "association": association, "capacity": 120,
    }
    return center_create(actor=None, **(values | fields))


def make_trade(code="couture"):
    return Trade.objects.get_or_create(code=code, defaults={"name_fr": code.title(), "name_ar": code})[0]


@dataclass
class Side:
    """One region's world: its association, centre and a user for every role."""

    region_code: str
    association: Association = None
    center: Center = None
    users: dict = field(default_factory=dict)


def build_world():
    world = {}
    for label, code in (("own", "01"), ("foreign", "06")):
        side = Side(region_code=code)
        side.association = make_association(code)
        side.center = make_center(side.association, code)
        center = side.center
        side.users = {
            "regional_manager": make_user("regional_manager", center.region),
            "provincial_manager": make_user("provincial_manager", center.province),
            "association_manager": make_user("association_manager", side.association),
            "center_director": make_user("center_director", center),
            "educator": make_user("educator", center),
            "counsellor": make_user("counsellor", center),
        }
        world[label] = side
    world["national_admin"] = make_user("national_admin")
    world["national_analyst"] = make_user("national_analyst")
    from forsa.organizations.models import Partner

    partner = Partner.objects.create(name="UNICEF Maroc", acronym="UNICEF", kind="funder")
    world["partner_viewer"] = make_user("partner_viewer", partner)
    return world


def make_group(center, name="Rattrapage A", kind="catch_up", school_year="2026-2027", educators=()):
    from forsa.centers.services import group_create

    return group_create(actor=None, center=center, name=name, kind=kind, school_year=school_year,
                        educators=educators)


LEARNER_DEFAULTS = {
    "first_name": "Salma", "last_name": "Berrada", "first_name_ar": "سلمى", "last_name_ar": "برادة",
    "sex": "F", "birth_date": "2011-03-14", "last_level": "P5", "year_left": 2023,
    "reasons_left": ["economic"], "referral": "outreach",
}


def make_learner(center, *, actor=None, start_date="2026-09-15", school_year="2026-2027", groups=(),
                 consent=True, **fields):
    """A learner enrolled in ``center`` through the intake service, with a guardian who consented."""
    import datetime

    from forsa.learners.services import learner_intake

    values = LEARNER_DEFAULTS | {"commune": center.commune} | fields
    for key in ("birth_date",):
        if isinstance(values[key], str):
            values[key] = datetime.date.fromisoformat(values[key])
    return learner_intake(
        actor=actor, center=center, school_year=school_year, start_date=datetime.date.fromisoformat(start_date),
        guardians=[{"full_name": "Khadija Berrada", "relation": "mother", "phone": "0611223344"}],
        consent={"guardian": 0, "given_on": datetime.date.fromisoformat(start_date)} if consent else None,
        groups=groups, confirmed_new_person=True, **values,
    )
