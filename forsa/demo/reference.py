"""What every step of the demo shares so that its data never depends on the day it is seeded, and
the first step: the reference data (territory, public bodies, managed trades) that production
loads with the same idempotent loaders."""

from __future__ import annotations

from collections import Counter
from datetime import date

from forsa.centers.services import trades_ensure_defaults
from forsa.organizations.services import public_bodies_ensure
from forsa.territory.services import territory_load

# Fixed dates: the data must not depend on the day the command runs.
REFERENCE_DATE = date(2026, 11, 27)  # "today" in the demo
DEMO_DOMAIN = "demo.forsa.ma"


def seed_reference() -> Counter:
    """Territory, public bodies and trades: idempotent loaders shared with production."""
    created = Counter(territory_load())
    created["public_bodies"] = public_bodies_ensure(actor=None)
    created["trades"] = trades_ensure_defaults(actor=None)
    return created

