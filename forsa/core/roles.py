"""The roles of DESIGN.md and the scope object each one is bound to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", _("national administrator")
    NATIONAL_ANALYST = "national_analyst", _("national analyst")
    REGIONAL_MANAGER = "regional_manager", _("regional manager")
    PROVINCIAL_MANAGER = "provincial_manager", _("provincial manager")
    ASSOCIATION_MANAGER = "association_manager", _("association manager")
    CENTER_DIRECTOR = "center_director", _("centre director")
    EDUCATOR = "educator", _("educator")
    TRAINER = "trainer", _("trainer")
    COUNSELLOR = "counsellor", _("psychosocial counsellor")
    PARTNER_VIEWER = "partner_viewer", _("partner viewer")
    # Conventions: scores the applications assigned to them (and sees nothing else by scope).
    REVIEWER = "reviewer", _("evaluator")


# Which scope object each role is bound to; national roles are bound to none.
ROLE_SCOPE_FIELD = {
    Role.NATIONAL_ADMIN: None,
    Role.NATIONAL_ANALYST: None,
    Role.REGIONAL_MANAGER: "region",
    Role.PROVINCIAL_MANAGER: "province",
    Role.ASSOCIATION_MANAGER: "association",
    Role.CENTER_DIRECTOR: "center",
    Role.EDUCATOR: "center",
    Role.TRAINER: "center",
    Role.COUNSELLOR: "center",
    Role.PARTNER_VIEWER: "partner",
    Role.REVIEWER: None,  # bound to no scope object: sees exactly what is assigned to them
}
SCOPE_FIELDS = ("region", "province", "association", "center", "partner")

# Who must prove a second factor at sign-in when FORSA_TWO_FACTOR is on (DESIGN: national and regional).
TWO_FACTOR_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.NATIONAL_ANALYST, Role.REGIONAL_MANAGER})
