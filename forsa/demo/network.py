"""The demo's national network: partners, then associations and their centres, region by region,
with their staff; written through the services so that validation and audit apply."""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.text import slugify
from tqdm import tqdm

from forsa.centers.models import LATITUDE_RANGE, LONGITUDE_RANGE, Center, StaffAssignment, Trade
from forsa.centers.services import center_create, staff_assign
from forsa.demo.reference import DEMO_DOMAIN, REFERENCE_DATE
from forsa.organizations.models import Association, Partner
from forsa.organizations.services import association_create, partner_create
from forsa.territory.models import Commune, Province, Region

FIRST_OPENING_YEAR, LAST_OPENING_YEAR = 2017, 2025

CENTER_COUNT = 90
ASSOCIATION_COUNT = 60
MAX_CENTERS_PER_ASSOCIATION = 3
DEMO_REGION = "06"  # Casablanca-Settat: home of the demo association and centre
URBAN_SHARE = 0.6

# Per region, a reference point (latitude, longitude) a little inland from its main
# city, so that the jitter below keeps centres on land and inside the validators' box.
REGION_POINTS = {
    "01": (35.15, -5.55),  # Tétouan - Chefchaouen
    "02": (34.35, -2.60),  # Oujda - Taourirt
    "03": (34.00, -4.95),  # Fès
    "04": (33.95, -6.35),  # Rabat - Kénitra, inland
    "05": (32.35, -6.30),  # Béni Mellal
    "06": (33.25, -7.40),  # Casablanca - Berrechid
    "07": (31.70, -8.10),  # Marrakech
    "08": (31.30, -5.50),  # Ouarzazate - Errachidia
    "09": (30.30, -9.15),  # Agadir, inland
    "10": (28.95, -9.80),  # Guelmim
    "11": (27.10, -13.00),  # Laâyoune, inland
    "12": (23.95, -15.40),  # Dakhla, across the bay on the mainland
}
COMMUNE_SPREAD = 0.25  # degrees around the region's point
CENTER_SPREAD = 0.02  # degrees around the commune's point

# Centre status, mostly open.
STATUS_WEIGHTS = (
    (Center.Status.OPEN, 86), (Center.Status.PLANNED, 5),
    (Center.Status.SUSPENDED, 5), (Center.Status.CLOSED, 4),
)

# Trades more often found in rural or urban centres.
RURAL_TRADES = ("agriculture", "tapisserie-artisanat", "couture", "soudure", "cuisine-patisserie")
URBAN_TRADES = ("informatique", "coiffure", "esthetique", "cuisine-patisserie", "couture",
                "electricite", "reparation-telephones", "mecanique-auto")

# ---------------------------------------------------------------------------
# Name data. Transliterations follow common Moroccan usage.

# Roots of association names: (French transliteration, Arabic).
ASSOCIATION_ROOTS = (
    ("Al Amal", "الأمل"), ("Annour", "النور"), ("Al Fath", "الفتح"), ("Ennahda", "النهضة"),
    ("Al Wafae", "الوفاء"), ("Al Ihsane", "الإحسان"), ("Attaouassoul", "التواصل"),
    ("Al Mostakbal", "المستقبل"), ("Al Bassma", "البسمة"), ("Al Karama", "الكرامة"),
    ("Assafaa", "الصفاء"), ("Al Hikma", "الحكمة"), ("Al Kheir", "الخير"),
    ("Attadamoun", "التضامن"), ("Al Wahda", "الوحدة"), ("Al Manar", "المنار"),
    ("Achourouk", "الشروق"), ("Al Inbiaat", "الانبعاث"), ("Assalam", "السلام"),
    ("Al Ikhlass", "الإخلاص"), ("Annamae", "النماء"), ("Al Ittihad", "الاتحاد"),
    ("Arrahma", "الرحمة"), ("Al Falah", "الفلاح"), ("Al Boustane", "البستان"),
    ("Azzahra", "الزهراء"), ("Al Hidaya", "الهداية"), ("Al Yasmine", "الياسمين"),
    ("Attouiza", "التويزة"), ("Afak", "آفاق"), ("Ajial", "أجيال"), ("Al Ghad", "الغد"),
    ("Tafoukt", "تافوكت"), ("Tilelli", "تيليلي"), ("Annakhil", "النخيل"),
    ("Al Wouroud", "الورود"), ("Al Andalous", "الأندلس"), ("Al Massira", "المسيرة"),
    ("Al Irfane", "العرفان"), ("Ibn Khaldoun", "ابن خلدون"), ("Ibn Battouta", "ابن بطوطة"),
    ("Al Khawarizmi", "الخوارزمي"), ("Ibn Rochd", "ابن رشد"), ("Ibn Sina", "ابن سينا"),
    ("Assanabil", "السنابل"), ("Al Jisr", "الجسر"), ("Al Moubadara", "المبادرة"),
    ("Al Injaz", "الإنجاز"), ("Attahaddi", "التحدي"), ("Al Anouar", "الأنوار"),
    ("Al Mouwatana", "المواطنة"), ("Al Mouassat", "المواساة"), ("Al Ousra", "الأسرة"),
    ("Nour Al Maarifa", "نور المعرفة"), ("Al Oumnia", "الأمنية"), ("Arrissala", "الرسالة"),
    ("Al Fajr", "الفجر"), ("Assaada", "السعادة"), ("Al Houda", "الهدى"),
    ("Al Mawahib", "المواهب"), ("Al Bouchra", "البشرى"), ("Al Aman", "الأمان"),
    ("Al Majd", "المجد"), ("Al Forsa", "الفرصة"),
)
# What the association is for: (French, Arabic), appended to the root.
ASSOCIATION_PURPOSES = (
    ("pour le développement", "للتنمية"),
    ("pour le développement social", "للتنمية الاجتماعية"),
    ("pour l'éducation et la formation", "للتربية والتكوين"),
    ("pour l'éducation non formelle", "للتربية غير النظامية"),
    ("pour l'enfance et la jeunesse", "للطفولة والشباب"),
    ("de solidarité et de développement", "للتضامن والتنمية"),
    ("de lutte contre l'abandon scolaire", "لمحاربة الهدر المدرسي"),
    ("pour la promotion de la femme et de l'enfant", "للنهوض بأوضاع المرأة والطفل"),
    ("pour le développement et la coopération", "للتنمية والتعاون"),
)
# Centres carry a name of their own before their commune's.
CENTER_ROOTS = (
    ("Ibn Rochd", "ابن رشد"), ("Al Khawarizmi", "الخوارزمي"), ("Ibn Sina", "ابن سينا"),
    ("Fatima Al Fihria", "فاطمة الفهرية"), ("Al Idrissi", "الإدريسي"),
    ("Ibn Battouta", "ابن بطوطة"), ("Ibn Khaldoun", "ابن خلدون"),
    ("Al Moukhtar Soussi", "المختار السوسي"), ("Ibn Zohr", "ابن زهر"),
    ("Annakhil", "النخيل"), ("Al Yasmine", "الياسمين"), ("Al Wouroud", "الورود"),
    ("Al Andalous", "الأندلس"), ("Al Massira", "المسيرة"), ("Al Irfane", "العرفان"),
    ("Al Amal", "الأمل"), ("Annour", "النور"), ("Al Fath", "الفتح"), ("Assalam", "السلام"),
    ("Al Fajr", "الفجر"), ("Achourouk", "الشروق"), ("Al Manar", "المنار"),
    ("Al Mostakbal", "المستقبل"), ("Al Ghad", "الغد"), ("Ajial", "أجيال"), ("Afak", "آفاق"),
    ("Tafoukt", "تافوكت"), ("Tilelli", "تيليلي"), ("Al Injaz", "الإنجاز"),
    ("Assanabil", "السنابل"), ("Al Anouar", "الأنوار"), ("Al Oumnia", "الأمنية"),
)
QUARTERS = (
    "Hay Al Massira", "Hay Essalam", "Hay Al Qods", "Hay Mohammadi", "Hay Ennahda",
    "Hay Al Wahda", "Hay Al Amal", "Hay Riad", "Hay Al Fath", "Hay Najah", "Hay Al Matar",
    "Hay Al Farah", "Hay Al Inbiaat", "Hay Al Hassani", "Hay Lalla Meryem", "Hay Al Andalous",
)
STREETS = (
    "rue Ibn Sina", "avenue Hassan II", "boulevard Mohammed V", "rue Al Massira",
    "rue Abou Bakr Seddik", "avenue des FAR", "rue Ibn Khaldoun", "rue Oued Sebou",
    "avenue Moulay Youssef", "rue Al Quds", "rue Ibn Toumert", "avenue Allal Ben Abdellah",
)
DOUARS = (
    "Ouled Ali", "Aït Brahim", "Tighza", "Ouled Moussa", "Aït Ouahi", "Lamhamid",
    "Ouled Youssef", "Tamazirt", "Aït Hammou", "Ouled Saïd", "Aït Lahcen", "Lakhyayta",
    "Ouled Ghanem", "Tighanimine", "Aït Bouzid", "Ouled Bouali",
)

# Given names and family names: (Latin script, Arabic script).
FEMALE_NAMES = (
    ("Fatima Zahra", "فاطمة الزهراء"), ("Khadija", "خديجة"), ("Meryem", "مريم"),
    ("Salma", "سلمى"), ("Imane", "إيمان"), ("Hanane", "حنان"), ("Nadia", "نادية"),
    ("Latifa", "لطيفة"), ("Samira", "سميرة"), ("Naima", "نعيمة"), ("Soukaina", "سكينة"),
    ("Houda", "هدى"), ("Asmae", "أسماء"), ("Zineb", "زينب"), ("Loubna", "لبنى"),
    ("Siham", "سهام"), ("Rachida", "رشيدة"), ("Hind", "هند"), ("Ghizlane", "غزلان"),
    ("Kawtar", "كوثر"), ("Ikram", "إكرام"), ("Sanaa", "سناء"), ("Bouchra", "بشرى"),
    ("Nawal", "نوال"), ("Malika", "مليكة"), ("Amal", "أمل"), ("Hajar", "هاجر"),
    ("Ilham", "إلهام"),
)
MALE_NAMES = (
    ("Mohamed", "محمد"), ("Ahmed", "أحمد"), ("Youssef", "يوسف"), ("Hamza", "حمزة"),
    ("Omar", "عمر"), ("Karim", "كريم"), ("Rachid", "رشيد"), ("Abdelkader", "عبد القادر"),
    ("Mustapha", "مصطفى"), ("Said", "سعيد"), ("Hassan", "حسن"), ("Brahim", "إبراهيم"),
    ("Khalid", "خالد"), ("Mehdi", "المهدي"), ("Anas", "أنس"), ("Ayoub", "أيوب"),
    ("Younes", "يونس"), ("Abdellah", "عبد الله"), ("Driss", "إدريس"), ("Jamal", "جمال"),
    ("Noureddine", "نور الدين"), ("Hicham", "هشام"), ("Adil", "عادل"), ("Tarik", "طارق"),
    ("Redouane", "رضوان"), ("Lahcen", "لحسن"), ("Aziz", "عزيز"), ("Soufiane", "سفيان"),
    ("Badr", "بدر"), ("Ismail", "إسماعيل"),
)
FAMILY_NAMES = (
    ("Alaoui", "العلوي"), ("Bennani", "بناني"), ("El Idrissi", "الإدريسي"), ("Tazi", "التازي"),
    ("Berrada", "برادة"), ("Chraibi", "الشرايبي"), ("Benjelloun", "بنجلون"),
    ("Lahlou", "لحلو"), ("El Amrani", "العمراني"), ("Ouazzani", "الوزاني"),
    ("Kettani", "الكتاني"), ("Sqalli", "الصقلي"), ("Bouzid", "بوزيد"), ("Ziani", "الزياني"),
    ("Belhaj", "بلحاج"), ("Hajji", "الحجي"), ("Naciri", "الناصري"), ("Saidi", "السعيدي"),
    ("Tahiri", "الطاهري"), ("Mansouri", "المنصوري"), ("Bakkali", "البقالي"),
    ("Haddad", "الحداد"), ("Cherkaoui", "الشرقاوي"), ("Filali", "الفيلالي"),
    ("Moussaoui", "الموساوي"), ("Slimani", "السليماني"), ("Azzouzi", "العزوزي"),
    ("El Fassi", "الفاسي"), ("Zerouali", "الزروالي"), ("Benali", "بنعلي"),
    ("Aït Lahcen", "آيت لحسن"), ("Aït Brahim", "آيت إبراهيم"), ("Ouhammou", "أوحمو"),
    ("Boutaleb", "بوطالب"), ("Chafik", "شفيق"), ("Daoudi", "الداودي"),
    ("Hamdaoui", "الحمداوي"), ("Jabri", "الجابري"), ("Kabbaj", "القباج"),
    ("Lazrak", "الأزرق"), ("Marzouki", "المرزوقي"), ("Naji", "ناجي"), ("Rifi", "الريفي"),
    ("Sebti", "السبتي"), ("Yacoubi", "اليعقوبي"), ("Benmoussa", "بنموسى"),
    ("Benomar", "بنعمر"), ("El Ouafi", "الوافي"),
)

PARTNERS = (
    # (name, acronym, kind)
    ("UNICEF Maroc", "UNICEF", Partner.Kind.FUNDER),
    ("Initiative nationale pour le développement humain", "INDH", Partner.Kind.FUNDER),
    ("Union européenne", "UE", Partner.Kind.FUNDER),
    ("Office de la formation professionnelle et de la promotion du travail", "OFPPT",
     Partner.Kind.TRAINING),
    ("Fondation Zakoura", "", Partner.Kind.TECHNICAL),
)
DEMO_PARTNER = "UNICEF Maroc"


@dataclass
class Network:
    """What seed_network created, in creation order (the input of later steps)."""

    partners: dict[str, Partner] = field(default_factory=dict)
    partners_created: int = 0
    associations: list[Association] = field(default_factory=list)
    centers: list[Center] = field(default_factory=list)
    staff: int = 0
    demo_association: Association | None = None
    demo_center: Center | None = None


def seed_network(*, rng: random.Random, progress: bool = False) -> Network:
    """Partners, then associations and their centres, region by region."""
    network = Network()
    for name, acronym, kind in PARTNERS:
        partner = Partner.objects.filter(name=name).first()  # may predate the demo
        if partner is None:
            partner = partner_create(actor=None, name=name, acronym=acronym, kind=kind)
            network.partners_created += 1
        network.partners[name] = partner
    plan = plan_network(rng=rng)
    roots = rng.sample(ASSOCIATION_ROOTS, len(plan))
    trades = {t.code: t for t in Trade.objects.filter(is_active=True)}
    per_province = Counter()
    with _progress(total=CENTER_COUNT, desc="centres", enabled=progress) as bar:
        for index, planned in enumerate(plan):
            association = _create_association(rng, planned, roots[index], serial=index + 1)
            network.associations.append(association)
            for place in planned.places:
                per_province[place.province.code] += 1
                center = _create_center(
                    rng, place, association, trades,
                    code=_center_code(place.province, per_province[place.province.code]),
                    force_open=planned.is_demo,
                )
                network.centers.append(center)
                reserved = planned.is_demo and network.demo_center is None
                network.staff += _create_staff(rng, center, reserve_demo_roles=reserved)
                if reserved:
                    network.demo_association, network.demo_center = association, center
                bar.update()
    return network


# ---------------------------------------------------------------------------
# Planning: where centres go and which association runs them (no database writes)


@dataclass(frozen=True)
class Place:
    province: Province
    commune: Commune


@dataclass
class PlannedAssociation:
    region: Region
    places: list[Place]
    is_demo: bool = False


def plan_network(*, rng: random.Random) -> list[PlannedAssociation]:
    """Where centres go and which association runs which; reads the territory only."""
    # Sorted in Python: the order must not depend on the database's collation.
    regions = sorted(Region.objects.all(), key=lambda r: r.code)
    provinces = {}  # region code -> provinces that have communes, in code order
    communes = {}  # province code -> communes
    every_commune = Commune.objects.select_related("province__region")
    for commune in sorted(every_commune, key=lambda c: c.code):
        province = commune.province
        communes.setdefault(province.code, []).append(commune)
        region_provinces = provinces.setdefault(province.region.code, [])
        if province not in region_provinces:
            region_provinces.append(province)

    centers = _apportion(
        {r.code: r.population for r in regions}, CENTER_COUNT, minimum={r.code: 1 for r in regions}
    )
    associations = _apportion(
        centers, ASSOCIATION_COUNT,
        minimum={c: math.ceil(n / MAX_CENTERS_PER_ASSOCIATION) for c, n in centers.items()},
        maximum=centers,
    )
    plan = []
    for region in regions:
        sizes = _split(rng, centers[region.code], associations[region.code],
                       demo=region.code == DEMO_REGION)
        for rank, size in enumerate(sizes):
            home = _weighted_choice(rng, provinces[region.code], lambda p: p.population)
            places = []
            for i in range(size):
                # An association works mostly in its home province, sometimes next door.
                province = home if i == 0 or rng.random() < 0.7 else rng.choice(
                    provinces[region.code]
                )
                places.append(Place(province, _pick_commune(rng, communes[province.code])))
            plan.append(PlannedAssociation(
                region=region, places=places, is_demo=region.code == DEMO_REGION and rank == 0,
            ))
    return plan


def _apportion(weights, total, *, minimum, maximum=None):
    """Split ``total`` in proportion to ``weights`` (largest remainders), within bounds."""
    maximum = maximum or {key: total for key in weights}
    whole = sum(weights.values())
    quota = {key: total * weight / whole for key, weight in weights.items()}
    shares = {
        key: min(maximum[key], max(minimum[key], math.floor(q))) for key, q in quota.items()
    }
    while (gap := total - sum(shares.values())) != 0:
        step = 1 if gap > 0 else -1
        candidates = [
            key for key in sorted(weights)
            if minimum[key] <= shares[key] + step <= maximum[key]
        ]
        # Ties are broken by key order: the result must not depend on anything else.
        key = max(candidates, key=lambda k: step * (quota[k] - shares[k]))
        shares[key] += step
    return shares


def _split(rng, centers, associations, *, demo):
    """Sizes of the associations of a region: ``associations`` parts of 1 to 3 centres."""
    sizes = [1] * associations
    if demo:  # the demo association director juggles three centres
        sizes[0] = MAX_CENTERS_PER_ASSOCIATION
    extra = centers - sum(sizes)
    while extra > 0:
        index = rng.choice([i for i, s in enumerate(sizes) if s < MAX_CENTERS_PER_ASSOCIATION])
        sizes[index] += 1
        extra -= 1
    return sizes


def _pick_commune(rng, communes):
    kinds = {c.kind for c in communes}
    urban = rng.random() < URBAN_SHARE
    kind = Commune.Kind.URBAN if urban else Commune.Kind.RURAL
    pool = [c for c in communes if c.kind == kind] if kind in kinds else communes
    # Square root: big cities get more centres, without taking them all.
    return _weighted_choice(rng, pool, lambda c: math.sqrt(c.population or 1))


def _weighted_choice(rng, items, weight):
    return rng.choices(items, weights=[weight(i) for i in items], k=1)[0]


# ---------------------------------------------------------------------------
# Writing, through the services


def _create_association(rng, planned, root, *, serial):
    root, root_ar = root
    purpose, purpose_ar = rng.choice(ASSOCIATION_PURPOSES)
    home = planned.places[0]
    founded = rng.randint(1995, FIRST_OPENING_YEAR - 1)
    return association_create(
        actor=None,
        name=f"Association {root} {purpose}",
        name_ar=f"جمعية {root_ar} {purpose_ar}",
        registration_number=(
            f"RD-{home.province.code.replace('.', '')}-{founded}-{serial:03d}"
        ),
        president=_person(rng)[0],
        phone=_phone(rng),
        email=f"contact.{slugify(root)}@{DEMO_DOMAIN}",
        address=_address(rng, home.commune),
        commune=home.commune,
    )


def _create_center(rng, place, association, trades, *, code, force_open):
    commune = place.commune
    status = Center.Status.OPEN if force_open else _weighted_choice(
        rng, STATUS_WEIGHTS, lambda s: s[1]
    )[0]
    root, root_ar = _center_root(rng, commune)
    latitude, longitude = _point(rng, commune, place.province.region.code)
    return center_create(
        actor=None,
        code=code,
        name_fr=f"Centre E2C {root} – {commune.name_fr}",
        name_ar=f"مركز الفرصة الثانية {root_ar} – {commune.name_ar}",
        commune=commune,
        address=_address(rng, commune),
        latitude=latitude,
        longitude=longitude,
        association=association,
        opening_date=_opening_date(rng, status),
        status=status,
        capacity=rng.randrange(60, 301, 10),
        trades=_trades(rng, commune, trades),
    )


def _create_staff(rng, center, *, reserve_demo_roles):
    """4 to 8 people; at the demo centre the demo users take three of the posts."""
    functions = [StaffAssignment.Function.TRAINER]
    if not reserve_demo_roles:
        functions = [
            StaffAssignment.Function.COORDINATOR, StaffAssignment.Function.EDUCATOR,
            *functions, StaffAssignment.Function.COUNSELLOR,
        ]
    optional = [
        StaffAssignment.Function.EDUCATOR, StaffAssignment.Function.TRAINER,
        StaffAssignment.Function.SPORTS_COACH, StaffAssignment.Function.ARTS_TEACHER,
        StaffAssignment.Function.ADMINISTRATIVE,
    ]
    functions += rng.sample(optional, rng.randint(0, 4))
    for function in functions:
        start = staff_start(rng, center, first=function == StaffAssignment.Function.COORDINATOR)
        end = None
        if center.status == Center.Status.CLOSED:  # it closed at the end of a school year
            end = date(max(start.year, 2023) + 1, 7, 31)
        staff_assign(
            actor=None, center=center, full_name=_person(rng)[0], function=function,
            start_date=start, end_date=end,
        )
    return len(functions)


# ---------------------------------------------------------------------------
# Values


def _center_code(province, rank):
    return f"E2C-{province.code.replace('.', '')}-{rank:02d}"


def _center_root(rng, commune):
    """A centre name not yet used in that commune (big cities have several centres)."""
    taken = {c.name_fr for c in Center.objects.filter(commune=commune).only("name_fr")}
    free = [r for r in CENTER_ROOTS if f"Centre E2C {r[0]} – {commune.name_fr}" not in taken]
    return rng.choice(free)


def _point(rng, commune, region_code):
    """A commune keeps one place (from its code) and its centres sit around it."""
    latitude, longitude = REGION_POINTS[region_code]
    place = random.Random(commune.code)
    latitude += place.uniform(-COMMUNE_SPREAD, COMMUNE_SPREAD)
    longitude += place.uniform(-COMMUNE_SPREAD, COMMUNE_SPREAD)
    latitude += rng.uniform(-CENTER_SPREAD, CENTER_SPREAD)
    longitude += rng.uniform(-CENTER_SPREAD, CENTER_SPREAD)
    return _within(latitude, LATITUDE_RANGE), _within(longitude, LONGITUDE_RANGE)


def _within(value, bounds):
    low, high = bounds
    return min(max(Decimal(str(round(value, 5))), low), high)


def _opening_date(rng, status):
    if status == Center.Status.PLANNED:
        return None
    # Closed centres are among the older ones.
    last = 2021 if status == Center.Status.CLOSED else LAST_OPENING_YEAR
    year = rng.randint(FIRST_OPENING_YEAR, last)
    return date(year, rng.choice((9, 9, 10, 10, 11, 12)), rng.randint(1, 28))


def staff_start(rng, center, *, first):
    """Coordinators start at the opening; others join within the following years."""
    if center.opening_date is None:  # a planned centre recruits ahead of its opening
        return date(REFERENCE_DATE.year, 9, 1) + timedelta(days=rng.randint(0, 60))
    if first:
        return center.opening_date - timedelta(days=rng.randint(15, 60))
    latest = min(REFERENCE_DATE, center.opening_date + timedelta(days=4 * 365))
    return center.opening_date + timedelta(days=rng.randint(0, (latest - center.opening_date).days))


def _trades(rng, commune, trades):
    """2 to 5 trades, mostly those usual in that kind of commune."""
    usual = RURAL_TRADES if commune.kind == Commune.Kind.RURAL else URBAN_TRADES
    favoured = [c for c in usual if c in trades]  # an administrator may have deactivated some
    others = [c for c in sorted(trades) if c not in favoured]
    count = rng.randint(2, 5)
    from_favoured = min(len(favoured), rng.randint(1, count))
    chosen = rng.sample(favoured, from_favoured)
    chosen += rng.sample(others, min(len(others), count - from_favoured))
    return [trades[c] for c in chosen]


def _person(rng):
    """A (Latin, Arabic) full name."""
    given = rng.choice(FEMALE_NAMES if rng.random() < 0.55 else MALE_NAMES)
    family = rng.choice(FAMILY_NAMES)
    return f"{given[0]} {family[0]}", f"{given[1]} {family[1]}"


def _phone(rng):
    """A number the Moroccan phone validator accepts: mobile mostly, landline sometimes."""
    if rng.random() < 0.75:
        number = f"0{rng.choice('667')}{rng.randint(0, 99_999_999):08d}"
    else:  # fixed lines start 052x-053x
        number = f"05{rng.choice('23')}{rng.randint(0, 9_999_999):07d}"
    return "+212" + number[1:] if rng.random() < 0.2 else number


def _address(rng, commune):
    if commune.kind == Commune.Kind.RURAL:
        return f"Douar {rng.choice(DOUARS)}"
    return f"{rng.randint(1, 180)}, {rng.choice(STREETS)}, {rng.choice(QUARTERS)}"


def _progress(*, total, desc, enabled):
    """A progress bar on the terminal for long runs; silent in tests and pipes."""
    return tqdm(total=total, desc=desc, unit=" " + desc, disable=not enabled, leave=False)

