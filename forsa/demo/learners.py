"""The demo's learners: plausible adolescents, their families, enrolments, pathways and exits.

``seed_learners`` is the demo step after ``seed_users``. It must scale to national data
(hundreds of thousands of learners), where the services (one validated, audited call per
row) are far too slow, and so are model instances and ``bulk_create``: it builds plain rows
and writes them in bulk (COPY on PostgreSQL, ``executemany`` elsewhere), a batch of learners
with everything that hangs from them per transaction (see ``_Tables``).

The rows are those the services would write for the same story — intake, consent, groups,
pathway, transfers, end of year, exit and follow-ups:

* the learner's placement (centre, province, region, association) and status are copied
  from its current enrolment, the active one or else the last one (``services._place_learner``);
* ``search_key`` is ``matching.search_key(first_name, last_name, first_name_ar, last_name_ar)``;
* at most one active enrolment; a transfer closes the old enrolment (``transferred``) and opens
  one linked to it by ``transferred_from``; closing ends the open placements and tracks;
* every enrolment starts with an intake stage; an exit adds the exit stage and the follow-ups
  at +3, +6 and +12 months;
* sensitive household fields only under the guardian's consent to data processing;
* an enrolment outside the age range carries the reason for the exception.

No audit entries are written here: this is generated demo data, not the action of a person,
and the audit log records what people did (tests check the invariants above instead).

Two school years: 2025-2026 (finished; most exits happened then and their follow-ups are
done or due) and 2026-2027 (the current one; "today" is ``reference.REFERENCE_DATE``).

Each learner carries a hidden **risk** (``LearnerReport.risk``, never written): higher after many
years out of school, for those never schooled, working children and long journeys, plus chance.
It makes leaving during the year and dropping out more likely, and the later steps read it too
(weaker diagnostics in ``assessments``, more absences and a falling attendance before dropping out
in ``attendance``), so that the early warning's model has a plausible structure to find.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import operator
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from tqdm import tqdm

from forsa.centers.models import Center, Group, Trade
from forsa.centers.services import DEFAULT_TRADES
from forsa.learners import matching
from forsa.learners.models import (
    Consent,
    Enrollment,
    Exit,
    FollowUp,
    Guardian,
    IndividualPlan,
    Learner,
    LeftReason,
    Orphanhood,
    Outcome,
    PathwayStep,
    Placement,
    PlanReview,
    Referral,
    SchoolLevel,
    Sex,
    Stage,
    Track,
    TrackParticipation,
    age_on,
)
from forsa.learners.services import MIN_AGE
from forsa.territory.models import Commune, Region

DEFAULT_LEARNERS = 2000
BATCH_SIZE = 5000
# The demo centre (where the demo director, educator and counsellor work) gets at least this
# many learners, about 40 of them enrolled in the current school year.
DEMO_CENTER_LEARNERS = 55
GROUP_SIZE = 25  # learners per catch-up class

PAST_YEAR, CURRENT_YEAR = "2025-2026", "2026-2027"
YEAR_STARTS = {PAST_YEAR: date(2025, 9, 15), CURRENT_YEAR: date(2026, 9, 14)}
PAST_YEAR_CLOSE = date(2026, 6, 30)  # enrolments still open at the end of 2025-2026 are closed then
LAST_MID_YEAR_DAY = date(2026, 5, 31)

GIRL_SHARE = 0.37
# Age at enrolment (most are 14-16); a few exceptions below and above the range, with a reason.
AGE_WEIGHTS = {13: 11, 14: 18, 15: 22, 16: 21, 17: 16, 18: 12}
AGE_EXCEPTION_SHARE = 0.012
YOUNGER_REASONS = (
    "Sœur aînée inscrite au centre ; décision de la commission d'admission",
    "Exclu de l'école primaire, aucune autre offre dans la commune",
    "Orienté par le service social de la province ; situation de grande précarité",
)
OLDER_REASONS = (
    "Termine l'atelier commencé l'année précédente",
    "Jeune mère, aucune autre offre de formation à proximité",
    "Retour de migration, orienté par l'autorité locale",
    "Prépare l'examen d'entrée à la formation professionnelle",
)

# Last level attained: most left at the end of primary or early in lower secondary.
LEVEL_WEIGHTS = {
    SchoolLevel.NEVER: 7, SchoolLevel.P1: 2, SchoolLevel.P2: 3, SchoolLevel.P3: 5, SchoolLevel.P4: 11,
    SchoolLevel.P5: 15, SchoolLevel.P6: 19, SchoolLevel.S1: 17, SchoolLevel.S2: 13, SchoolLevel.S3: 6,
    SchoolLevel.UPPER: 1,
}
# Usual age at the end of each level (a pupil enters P1 at 6); repeating adds a year or two.
LEVEL_AGE = {"P1": 7, "P2": 8, "P3": 9, "P4": 10, "P5": 11, "P6": 12, "S1": 13, "S2": 14, "S3": 15, "upper": 16}
LEVEL_ORDER = [level for level in SchoolLevel.values if level != SchoolLevel.NEVER]

# Why they left school: (reason, weight for girls, weight for boys). One or two reasons each.
REASON_WEIGHTS = (
    (LeftReason.ECONOMIC, 30, 30), (LeftReason.FAILURE, 24, 28), (LeftReason.DISTANCE, 12, 7),
    (LeftReason.FAMILY, 14, 9), (LeftReason.HEALTH, 4, 3), (LeftReason.EARLY_MARRIAGE, 8, 0.3),
    (LeftReason.CHILD_LABOUR, 2, 12), (LeftReason.BEHAVIOUR, 2, 7), (LeftReason.OTHER, 3, 3),
)
OTHER_REASONS = (
    "Pas de collège dans la commune", "Déménagement de la famille", "Absence d'internat pour les filles",
    "Harcèlement à l'école", "Perte des documents d'état civil",
)
REFERRAL_WEIGHTS = {
    Referral.FAMILY: 30, Referral.OUTREACH: 30, Referral.SCHOOL: 15, Referral.AUTHORITY: 10,
    Referral.INDH: 8, Referral.OTHER: 7,
}
ORPHANHOOD_WEIGHTS = {Orphanhood.NONE: 86, Orphanhood.FATHER: 9, Orphanhood.MOTHER: 3, Orphanhood.BOTH: 2}
GUARDIAN_RELATIONS = {
    "mother": 46, "father": 34, "grandparent": 6, "uncle_aunt": 6, "sibling": 5, "legal": 2, "other": 1,
}
DATA_CONSENT_SHARE = 0.93
PHOTO_CONSENT_SHARE = 0.75  # of those who consent to data processing: about 70 % in all
CONFIDENTIAL_NOTES = (
    "Suivi par l'assistante sociale de la commune.",
    "Père au chômage depuis deux ans ; la mère travaille comme journalière.",
    "Vit chez ses grands-parents ; parents partis travailler en ville.",
    "A travaillé dans un atelier de mécanique ; horaires aménagés le samedi.",
    "Difficultés de concentration ; bilan orthophonique demandé.",
    "Garde ses frères et sœurs l'après-midi.",
)

# Trades girls and boys of the programme most often choose.
TRADE_WEIGHTS = {  # trade code: (girls, boys)
    "couture": (30, 2), "broderie": (12, 1), "coiffure": (20, 8), "esthetique": (18, 0.5),
    "cuisine-patisserie": (22, 10), "service-restauration": (6, 8), "informatique": (12, 14),
    "reparation-telephones": (3, 16), "electricite": (1, 20), "plomberie": (0.5, 12), "menuiserie": (0.5, 12),
    "peinture-batiment": (0.5, 8), "soudure": (0.5, 14), "mecanique-auto": (1, 20),
    "froid-climatisation": (0.5, 10), "agriculture": (6, 12), "tapisserie-artisanat": (16, 2),
}

# Exit outcomes, during the year and at its end: (outcome, weight for girls, weight for boys).
MID_YEAR_OUTCOMES = (
    (Outcome.DROPOUT, 52, 52), (Outcome.MOVED, 15, 12), (Outcome.SCHOOL, 9, 7), (Outcome.APPRENTICESHIP, 5, 9),
    (Outcome.EMPLOYMENT, 5, 10), (Outcome.OTHER, 6, 5),
)
YEAR_END_OUTCOMES = (
    (Outcome.SCHOOL, 24, 18), (Outcome.VOCATIONAL, 26, 24), (Outcome.APPRENTICESHIP, 11, 17),
    (Outcome.EMPLOYMENT, 7, 13), (Outcome.SELF_EMPLOYMENT, 5, 2), (Outcome.DROPOUT, 14, 14),
    (Outcome.MOVED, 5, 4), (Outcome.OTHER, 4, 4),
)
DROPOUT_REASONS = (  # (reason, girls, boys)
    (LeftReason.ECONOMIC, 30, 30), (LeftReason.FAMILY, 25, 12), (LeftReason.EARLY_MARRIAGE, 20, 0.5),
    (LeftReason.CHILD_LABOUR, 4, 35), (LeftReason.DISTANCE, 8, 6), (LeftReason.HEALTH, 5, 4),
    (LeftReason.BEHAVIOUR, 2, 8),
)
SCHOOLS = {
    "primary": ("École primaire Ibn Sina", "École primaire Al Massira", "École primaire Annour",
                "École primaire Al Fath", "École communautaire Tafoukt", "École primaire Oued Eddahab"),
    "secondary": ("Collège Ibn Khaldoun", "Collège Al Qods", "Collège Moulay Ismail", "Collège Al Amal",
                  "Collège Ibn Battouta", "Collège Al Khawarizmi"),
}
OTHER_PROVIDERS = (
    "Centre de formation par apprentissage", "Entraide nationale", "Chambre d'artisanat",
    "Centre de qualification agricole",
)
EMPLOYERS = (
    "Boulangerie Al Baraka", "Café Essalam", "Garage Al Amal", "Salon de coiffure Yasmine",
    "Atelier de couture Annour", "Exploitation agricole familiale", "Restaurant Al Andalous",
    "Épicerie du quartier", "Chantier de construction", "Unité de conditionnement d'agrumes",
    "Centre d'appels", "Menuiserie Al Fath",
)
SELF_EMPLOYMENT = (
    "Coopérative féminine de couture", "Coopérative de tissage Tafoukt", "Réparation de téléphones à domicile",
    "Vente de pâtisseries à domicile", "Coopérative agricole des jeunes", "Petit commerce ambulant",
)
OTHER_EXIT_DETAILS = (
    "Raisons de santé : soins de longue durée.", "Garde d'un parent malade.",
    "Orienté vers un programme de protection de l'enfance.", "Service civique volontaire.",
)
MOVED_DETAILS = (
    "La famille s'est installée à Casablanca.", "Départ de la famille vers Tanger.",
    "La famille a déménagé dans une autre province.", "Départ à l'étranger avec les parents.",
)
# What a follow-up finds, given the outcome at exit.
SITUATION_DRIFT = {
    Outcome.SCHOOL: {"school": 78, "nothing": 10, "apprenticeship": 4, "unreachable": 8},
    Outcome.VOCATIONAL: {"vocational": 75, "employment": 8, "nothing": 9, "unreachable": 8},
    Outcome.APPRENTICESHIP: {"apprenticeship": 66, "employment": 14, "nothing": 10, "unreachable": 10},
    Outcome.EMPLOYMENT: {"employment": 68, "self_employment": 4, "nothing": 16, "unreachable": 12},
    Outcome.SELF_EMPLOYMENT: {"self_employment": 70, "employment": 8, "nothing": 12, "unreachable": 10},
    Outcome.DROPOUT: {"nothing": 55, "apprenticeship": 8, "employment": 12, "unreachable": 25},
    Outcome.MOVED: {"moved": 55, "unreachable": 45},
    Outcome.OTHER: {"nothing": 45, "school": 5, "employment": 10, "unreachable": 40},
}
FOLLOW_UP_DONE_SHARE = 0.78  # of the follow-ups already due; the rest make the worklist
FOLLOW_UP_NOTES = (
    "Joint par téléphone.", "Visite à domicile.", "Rencontré à l'établissement.", "Information donnée par la mère.",
    "",
)
PLAN_GOALS = (
    "Consolider la lecture et le calcul ; découvrir deux ateliers avant de choisir un métier.",
    "Préparer le retour au collège : français et mathématiques de 6e année.",
    "Obtenir l'attestation de l'atelier et préparer l'entrée à l'OFPPT.",
    "Reprendre confiance : activités sportives et accompagnement psychosocial ; assiduité.",
    "Trouver un apprentissage chez un artisan du quartier.",
)
REVIEW_NOTES = (
    "Progrès nets en lecture ; assiduité à surveiller.", "Bonne intégration dans le groupe.",
    "Absences répétées le lundi : rencontre avec la mère prévue.", "Objectifs atteints ; passer à l'atelier.",
    "Motivation en hausse depuis le début de l'atelier.",
)
# Regions' usual CIN prefixes (the letters of the issuing office).
CIN_PREFIXES = {
    "01": ("K", "KB", "L", "LB"), "02": ("F", "FA", "FB"), "03": ("C", "CD", "D", "DA"), "04": ("A", "AB", "AE", "G"),
    "05": ("I", "IA", "Q"), "06": ("BE", "BH", "BK", "BJ", "M"), "07": ("E", "EE", "EA", "H"),
    "08": ("U", "UA", "P"), "09": ("J", "JA", "JB", "JE"), "10": ("JC", "JF"), "11": ("SH", "SJ"), "12": ("VA",),
}
MASSAR_LETTERS = "ABCDEFGHIJKLMNPQRSTUVW"
TRADE_LABELS = {code: name_fr for code, name_fr, *_ in DEFAULT_TRADES}

# ---------------------------------------------------------------------------
# Names: (Latin script, Arabic script), most frequent first. Some Arabic names have two usual
# Latin spellings (Mohamed / Mohammed, Brahim / Ibrahim): both appear, as at a real intake.

GIRL_NAMES = (
    ("Fatima Zahra", "فاطمة الزهراء"), ("Fatima", "فاطمة"), ("Khadija", "خديجة"), ("Aya", "آية"),
    ("Salma", "سلمى"), ("Meryem", "مريم"), ("Hajar", "هاجر"), ("Imane", "إيمان"), ("Chaimae", "شيماء"),
    ("Oumaima", "أميمة"), ("Zineb", "زينب"), ("Hiba", "هبة"), ("Douaa", "دعاء"), ("Kawtar", "كوثر"),
    ("Soukaina", "سكينة"), ("Asmae", "أسماء"), ("Nouhaila", "نهيلة"), ("Malak", "ملاك"), ("Sara", "سارة"),
    ("Yasmine", "ياسمين"), ("Khaoula", "خولة"), ("Ikram", "إكرام"), ("Hanane", "حنان"), ("Wiam", "وئام"),
    ("Rim", "ريم"), ("Safae", "صفاء"), ("Marwa", "مروة"), ("Ghizlane", "غزلان"), ("Houda", "هدى"),
    ("Loubna", "لبنى"), ("Siham", "سهام"), ("Hind", "هند"), ("Sanaa", "سناء"), ("Bouchra", "بشرى"),
    ("Nawal", "نوال"), ("Malika", "مليكة"), ("Amal", "أمل"), ("Ilham", "إلهام"), ("Naima", "نعيمة"),
    ("Latifa", "لطيفة"), ("Samira", "سميرة"), ("Nadia", "نادية"), ("Rachida", "رشيدة"), ("Manal", "منال"),
    ("Sofia", "صوفيا"), ("Rania", "رانية"), ("Nada", "ندى"), ("Basma", "بسمة"), ("Ibtissam", "ابتسام"),
    ("Hasna", "حسناء"), ("Lamia", "لمياء"), ("Majda", "ماجدة"), ("Najat", "نجاة"), ("Mouna", "منى"),
    ("Karima", "كريمة"), ("Souad", "سعاد"), ("Hafsa", "حفصة"), ("Aicha", "عائشة"), ("Zahra", "زهرة"),
    ("Yousra", "يسرى"), ("Kenza", "كنزة"), ("Lina", "لينا"), ("Israe", "إسراء"), ("Jihane", "جيهان"),
    ("Firdaous", "فردوس"), ("Najoua", "نجوى"), ("Hayat", "حياة"), ("Hakima", "حكيمة"), ("Saida", "سعيدة"),
    ("Fadwa", "فدوى"), ("Touria", "ثريا"), ("Zakia", "زكية"), ("Nisrine", "نسرين"), ("Assia", "آسية"),
    ("Ghita", "غيثة"), ("Itto", "إيطو"), ("Yamna", "يامنة"), ("Mina", "مينة"), ("Rkia", "رقية"),
    ("Laila", "ليلى"), ("Dounia", "دنيا"), ("Widad", "وداد"), ("Samia", "سامية"), ("Nour", "نور"),
    ("Soumia", "سمية"), ("Amina", "أمينة"), ("Nezha", "نزهة"), ("Jamila", "جميلة"), ("Rabia", "ربيعة"),
    ("Ouafae", "وفاء"), ("Intissar", "انتصار"), ("Maha", "مها"), ("Jinane", "جنان"), ("Alae", "آلاء"),
    ("Roumaissae", "رميساء"), ("Chourouk", "شروق"), ("Doha", "ضحى"), ("Hanae", "هناء"), ("Nassima", "نسيمة"),
    ("Tasnim", "تسنيم"),
)
BOY_NAMES = (
    ("Mohamed", "محمد"), ("Youssef", "يوسف"), ("Ayoub", "أيوب"), ("Hamza", "حمزة"), ("Ahmed", "أحمد"),
    ("Mohammed", "محمد"), ("Anas", "أنس"), ("Zakaria", "زكرياء"), ("Yassine", "ياسين"), ("Omar", "عمر"),
    ("Ilyas", "إلياس"), ("Amine", "أمين"), ("Othmane", "عثمان"), ("Mehdi", "المهدي"), ("Oussama", "أسامة"),
    ("Achraf", "أشرف"), ("Bilal", "بلال"), ("Marouane", "مروان"), ("Soufiane", "سفيان"), ("Ismail", "إسماعيل"),
    ("Abdellah", "عبد الله"), ("Younes", "يونس"), ("Badr", "بدر"), ("Walid", "وليد"), ("Houssam", "حسام"),
    ("Mouad", "معاذ"), ("Adam", "آدم"), ("Rayane", "ريان"), ("Ayman", "أيمن"), ("Brahim", "إبراهيم"),
    ("Ibrahim", "إبراهيم"), ("Said", "سعيد"), ("Hassan", "حسن"), ("Khalid", "خالد"), ("Karim", "كريم"),
    ("Rachid", "رشيد"), ("Mustapha", "مصطفى"), ("Abdelkader", "عبد القادر"), ("Driss", "إدريس"),
    ("Jamal", "جمال"), ("Noureddine", "نور الدين"), ("Hicham", "هشام"), ("Adil", "عادل"), ("Tarik", "طارق"),
    ("Redouane", "رضوان"), ("Lahcen", "لحسن"), ("Aziz", "عزيز"), ("Nabil", "نبيل"), ("Saad", "سعد"),
    ("Abderrahim", "عبد الرحيم"), ("Abdelali", "عبد العالي"), ("Abdelghani", "عبد الغني"),
    ("Abdessamad", "عبد الصمد"), ("Abdelhak", "عبد الحق"), ("Abdelilah", "عبد الإله"),
    ("Abderrahmane", "عبد الرحمن"), ("Salah", "صلاح"), ("Taha", "طه"), ("Yahya", "يحيى"), ("Zouhair", "زهير"),
    ("Reda", "رضا"), ("Hakim", "حكيم"), ("Fouad", "فؤاد"), ("Mourad", "مراد"), ("Nizar", "نزار"),
    ("Ali", "علي"), ("Hussein", "حسين"), ("Kamal", "كمال"), ("Larbi", "العربي"), ("Mbarek", "امبارك"),
    ("Lhoussaine", "الحسين"), ("Hamid", "حميد"), ("Mohcine", "محسن"), ("Abdelaziz", "عبد العزيز"),
    ("Boubker", "بوبكر"), ("Jawad", "جواد"), ("Fayçal", "فيصل"), ("Imad", "عماد"), ("Jalal", "جلال"),
    ("Khalil", "خليل"), ("Mounir", "منير"), ("Nouh", "نوح"), ("Saber", "صابر"), ("Sami", "سامي"),
    ("Tawfik", "توفيق"), ("Wassim", "وسيم"), ("Yasser", "ياسر"), ("Mhamed", "امحمد"), ("Abdelkrim", "عبد الكريم"),
    ("Abdeslam", "عبد السلام"), ("Moussa", "موسى"), ("Souhail", "سهيل"), ("Haitam", "هيثم"),
)
FAMILY_NAMES = (
    ("El Idrissi", "الإدريسي"), ("Alaoui", "العلوي"), ("El Amrani", "العمراني"), ("Bennani", "بناني"),
    ("Tahiri", "الطاهري"), ("Mansouri", "المنصوري"), ("Saidi", "السعيدي"), ("Benali", "بنعلي"),
    ("El Alami", "العلمي"), ("Bakkali", "البقالي"), ("Cherkaoui", "الشرقاوي"), ("Hajji", "الحجي"),
    ("Naciri", "الناصري"), ("Ouazzani", "الوزاني"), ("Tazi", "التازي"), ("Berrada", "برادة"),
    ("Chraibi", "الشرايبي"), ("Benjelloun", "بنجلون"), ("Lahlou", "لحلو"), ("Kettani", "الكتاني"),
    ("Sqalli", "الصقلي"), ("Bouzid", "بوزيد"), ("Ziani", "الزياني"), ("Belhaj", "بلحاج"), ("Haddad", "الحداد"),
    ("Filali", "الفيلالي"), ("Moussaoui", "الموساوي"), ("Slimani", "السليماني"), ("Azzouzi", "العزوزي"),
    ("El Fassi", "الفاسي"), ("Zerouali", "الزروالي"), ("Aït Lahcen", "آيت لحسن"), ("Aït Brahim", "آيت إبراهيم"),
    ("Ouhammou", "أوحمو"), ("Boutaleb", "بوطالب"), ("Chafik", "شفيق"), ("Daoudi", "الداودي"),
    ("Hamdaoui", "الحمداوي"), ("Jabri", "الجابري"), ("Kabbaj", "القباج"), ("Lazrak", "الأزرق"),
    ("Marzouki", "المرزوقي"), ("Naji", "ناجي"), ("Rifi", "الريفي"), ("Sebti", "السبتي"), ("Yacoubi", "اليعقوبي"),
    ("Benmoussa", "بنموسى"), ("Benomar", "بنعمر"), ("El Ouafi", "الوافي"), ("Bouazza", "بوعزة"),
    ("El Khayat", "الخياط"), ("Sabri", "صبري"), ("Karimi", "الكريمي"), ("Rachidi", "الرشيدي"),
    ("Belkadi", "بلقاضي"), ("Bouhaddou", "بوحدو"), ("Aït Ali", "آيت علي"), ("Aït Said", "آيت سعيد"),
    ("Amzil", "أمزيل"), ("Boukhari", "البخاري"), ("Touzani", "التوزاني"), ("Doukkali", "الدكالي"),
    ("Chaoui", "الشاوي"), ("Soussi", "السوسي"), ("Marrakchi", "المراكشي"), ("Meknassi", "المكناسي"),
    ("Rbati", "الرباطي"), ("Slaoui", "السلاوي"), ("Zemmouri", "الزموري"), ("Hilali", "الهلالي"),
    ("Harrak", "الحراق"), ("Jebli", "الجبلي"), ("Ghazi", "غازي"), ("Ghazouani", "الغزواني"),
    ("Hassani", "الحسني"), ("Lamghari", "المغاري"), ("Maghraoui", "المغراوي"), ("Meskini", "المسكيني"),
    ("Nejjar", "النجار"), ("Ouali", "الوالي"), ("Qadiri", "القادري"), ("El Kadiri", "القادري"),
    ("Raji", "الراجي"), ("Radi", "الراضي"), ("Salhi", "الصالحي"), ("Sahraoui", "الصحراوي"),
    ("Semlali", "السملالي"), ("Skalli", "الصقلي"), ("Taibi", "الطيبي"), ("Tijani", "التجاني"),
    ("Touhami", "التهامي"), ("Wahbi", "الوهبي"), ("Yousfi", "اليوسفي"), ("Zaidi", "الزايدي"),
    ("Zouhri", "الزهري"), ("Belghiti", "بلغيتي"), ("Benabdellah", "بنعبد الله"), ("Benchekroun", "بنشقرون"),
    ("Benkirane", "بنكيران"), ("Bensouda", "بنسودة"), ("Bouayad", "بوعياد"), ("Bouhlal", "بوهلال"),
    ("Chami", "الشامي"), ("Charki", "الشرقي"), ("Dahbi", "الذهبي"), ("Derraz", "الدراز"), ("El Ghali", "الغالي"),
    ("El Hachimi", "الهاشمي"), ("El Omari", "العمري"), ("Essafi", "الصافي"), ("Fadili", "الفاضلي"),
    ("Guessous", "كسوس"), ("Habibi", "الحبيبي"), ("Hammoumi", "الحمومي"), ("Hamdi", "حمدي"),
    ("Jaafari", "الجعفري"), ("Kamali", "الكمالي"), ("Karam", "كرم"), ("Khalfi", "الخلفي"),
    ("Lahrichi", "الحريشي"), ("Laraki", "العراقي"), ("Lyoubi", "اليوبي"), ("Mahdaoui", "المهداوي"),
    ("Mekouar", "مكوار"), ("Moutawakil", "المتوكل"), ("Nadir", "نادر"), ("Nouri", "النوري"), ("Ouardi", "الوردي"),
    ("Rahmouni", "الرحموني"), ("Rami", "الرامي"), ("Saadi", "السعدي"), ("Sefrioui", "الصفريوي"),
    ("Sbai", "السباعي"), ("Tounsi", "التونسي"), ("Zaki", "زكي"), ("Ouchen", "أوشن"), ("Aït Taleb", "آيت الطالب"),
    ("Ouakrim", "أوكريم"), ("Ammari", "العماري"), ("Mejjati", "المجاطي"), ("Chakir", "شاكر"),
    ("Belmahi", "بلماحي"), ("Ennaji", "الناجي"), ("El Bouzidi", "البوزيدي"), ("El Hamri", "الحمري"),
    ("Baddou", "بادو"), ("Benbrahim", "بنبراهيم"), ("Bouanani", "البوعناني"), ("Ezzahraoui", "الزهراوي"),
    ("Lakhdar", "الأخضر"), ("Farah", "فرح"), ("Moujahid", "المجاهد"), ("El Fathi", "الفتحي"),
    ("El Jirari", "الجيراري"), ("Ouarzazi", "الورزازي"), ("Sahli", "السهلي"), ("Mabrouk", "مبروك"),
    ("Kaddouri", "القدوري"), ("Benhaddou", "بنحدو"), ("El Malki", "المالكي"), ("Bahri", "البحري"),
    ("Sentissi", "السنتيسي"),
)


def _zipf(count, *, offset, power=1.0):
    """Cumulative weights of a popularity curve: the first names of a list are the most given."""
    return list(itertools.accumulate(1 / (rank + offset) ** power for rank in range(count)))


GIRL_CUMULATIVE = _zipf(len(GIRL_NAMES), offset=4)
BOY_CUMULATIVE = _zipf(len(BOY_NAMES), offset=3)
FAMILY_CUMULATIVE = _zipf(len(FAMILY_NAMES), offset=6, power=1.1)


# ---------------------------------------------------------------------------
# What the step needs to know about each centre


@dataclass
class CenterPlan:
    center: Center
    region_code: str
    communes: dict[int, Commune]  # the province's communes, by id
    commune_list: list[Commune]
    commune_weights: list[float]  # cumulative, by population
    trades: list[str]  # trade codes taught
    opens: dict[str, date]  # school year -> first day learners can be enrolled
    quota: int = 0
    catch_up: dict[str, list[int]] = field(default_factory=dict)  # school year -> class ids
    workshops: dict[str, dict[str, int]] = field(default_factory=dict)  # school year -> trade code -> group id
    neighbours: list[CenterPlan] = field(default_factory=list)  # for transfers, same province first

    def runs(self, year, on=None):
        first = self.opens.get(year)
        return first is not None and (on is None or first <= on)


@dataclass
class LearnerReport:
    learners: int = 0
    enrollments: int = 0
    transfers: int = 0
    exits: int = 0
    follow_ups: int = 0
    groups: int = 0
    rows: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    risk: dict[int, float] = field(default_factory=dict)  # learner id -> hidden risk (see module doc)


def seed_learners(*, rng: random.Random, centers, demo_center, today, staff_users=None, count=DEFAULT_LEARNERS,
                  progress=False, batch_size=BATCH_SIZE) -> LearnerReport:
    """``count`` learners spread over ``centers`` by capacity, written in batches (see module doc).

    ``staff_users`` maps ``educator``/``counsellor`` to the demo centre's users: the educator
    teaches two of its current groups; they review its individual plans and record its follow-ups.
    """
    report = LearnerReport()
    began = time.monotonic()
    if count <= 0:
        return report
    staff_users = staff_users or {}
    plans = _plan_centers(centers, today)
    if not plans:
        return report
    _share_out(rng, plans, count, demo_center)
    with transaction.atomic():
        report.groups = _create_groups(plans, demo_center, staff_users.get("educator"))
    assignments = [plan for plan in plans for _ in range(plan.quota)]
    rng.shuffle(assignments)
    tables = _Tables()
    builder = _Builder(rng=rng, today=today, tables=tables, demo_center=demo_center, staff_users=staff_users)
    # On PostgreSQL, outside any transaction, the database writes a batch while the next one is built.
    writer = _Writer(pipelined=connection.vendor == "postgresql" and not connection.in_atomic_block)
    with writer, tqdm(total=count, desc="learners", unit=" learners", disable=not progress, leave=False) as bar:
        for start in range(0, count, batch_size):
            chunk = assignments[start:start + batch_size]
            for plan in chunk:
                builder.learner(plan)
            rows = tables.take()
            writer.submit(lambda rows=rows: tables.write(rows, report))
            bar.update(len(chunk))
    report.learners = report.rows["Learner"]
    report.enrollments = report.rows["Enrollment"]
    report.exits = report.rows["Exit"]
    report.follow_ups = report.rows["FollowUp"]
    report.transfers = builder.transfers
    report.risk = builder.risk
    report.seconds = time.monotonic() - began
    return report


def _plan_centers(centers, today):
    """Centres that had learners in the two demo years, with their communes and trades."""
    operating = [c for c in centers if c.opening_date and c.status in (Center.Status.OPEN, Center.Status.SUSPENDED)]
    province_ids = {c.province_id for c in operating}
    communes = {}
    for commune in Commune.objects.filter(province_id__in=province_ids).order_by("code"):
        communes.setdefault(commune.province_id, []).append(commune)
    trades = {}
    for center_id, code in Center.trades.through.objects.filter(center__in=operating).values_list(
            "center_id", "trade__code").order_by("center_id", "trade__code"):
        trades.setdefault(center_id, []).append(code)
    regions = dict(Region.objects.values_list("pk", "code"))
    plans = []
    for center in operating:
        opens = {}
        for year, first in YEAR_STARTS.items():
            # A suspended centre stopped at the end of 2025-2026; a centre takes no one before it opens.
            if center.status == Center.Status.SUSPENDED and year == CURRENT_YEAR:
                continue
            day = max(first, center.opening_date)
            if day <= min(today, date(first.year + 1, 3, 31)):
                opens[year] = day
        if not opens:
            continue
        pool = communes[center.province_id]
        plans.append(CenterPlan(
            center=center, region_code=regions[center.region_id], communes={c.pk: c for c in pool},
            commune_list=pool, trades=trades.get(center.pk, []), opens=opens,
            commune_weights=list(itertools.accumulate(math.sqrt(c.population or 1) for c in pool)),
        ))
    for plan in plans:
        same_province = [p for p in plans if p is not plan and p.center.province_id == plan.center.province_id]
        same_region = [p for p in plans if p is not plan and p.center.region_id == plan.center.region_id
                       and p not in same_province]
        plan.neighbours = same_province + same_region
    return plans


def _share_out(rng, plans, count, demo_center):
    """Learners per centre, by capacity; the demo centre gets at least DEMO_CENTER_LEARNERS."""
    demo = next((p for p in plans if demo_center and p.center.pk == demo_center.pk), None)
    weights = {id(p): p.center.capacity * (1 if p.runs(CURRENT_YEAR) else 0.6) for p in plans}
    total = sum(weights.values())
    if demo is not None:
        demo.quota = min(count, max(DEMO_CENTER_LEARNERS, round(count * weights[id(demo)] / total)))
    others = [p for p in plans if p is not demo]
    rest = count - (demo.quota if demo else 0)
    if not others:
        if demo is not None:
            demo.quota += rest
        return
    cumulative = list(itertools.accumulate(weights[id(p)] for p in others))
    for plan in rng.choices(others, cum_weights=cumulative, k=rest):
        plan.quota += 1


def _create_groups(plans, demo_center, educator):
    """Catch-up classes (about 25 learners each) and one workshop per trade, per centre and year."""
    trades = {t.code: t for t in Trade.objects.all()}
    groups, slots = [], []
    for plan in plans:
        for year in plan.opens:
            share = 0.55 if len(plan.opens) == 2 and year == PAST_YEAR else 0.75
            classes = max(1, math.ceil(plan.quota * share / GROUP_SIZE))
            for i in range(1, classes + 1):
                groups.append(Group(center=plan.center, school_year=year, name=f"Remise à niveau {i}",
                                    kind=Group.Kind.CATCH_UP))
                slots.append((plan.catch_up.setdefault(year, []), None))
            for code in plan.trades:
                groups.append(Group(center=plan.center, school_year=year, name=f"Atelier {trades[code].name_fr}",
                                    kind=Group.Kind.WORKSHOP, trade=trades[code]))
                slots.append((plan.workshops.setdefault(year, {}), code))
    Group.objects.bulk_create(groups, batch_size=1000)
    for group, (slot, code) in zip(groups, slots, strict=True):
        if code is None:
            slot.append(group.pk)
        else:
            slot[code] = group.pk
    demo = next((p for p in plans if demo_center and p.center.pk == demo_center.pk), None)
    if demo is not None and educator is not None:
        # The demo educator teaches the first class and the first workshop this year, and taught a class last year.
        taught = [*demo.catch_up.get(CURRENT_YEAR, [])[:1], *list(demo.workshops.get(CURRENT_YEAR, {}).values())[:1],
                  *demo.catch_up.get(PAST_YEAR, [])[:1]]
        educator.taught_groups.add(*taught)
    return len(groups)


# ---------------------------------------------------------------------------
# Rows, written in bulk


class _Tables:
    """Rows of one batch per table, as dicts of column values, with primary keys given here.

    Model instances cost too much at national scale (Django's ``Model.__init__`` and
    ``bulk_create`` spend more time than the database), so rows are plain dicts starting from
    each field's default, written with COPY on PostgreSQL and ``executemany`` elsewhere. The
    demo seeding is the only writer, so the next primary keys are known; sequences are reset
    after each batch.
    """

    MODELS = (Learner, Guardian, Consent, Enrollment, Placement, PathwayStep, TrackParticipation, Exit, FollowUp,
              IndividualPlan, PlanReview)

    def __init__(self):
        self.next_pk = {m: (m._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 1 for m in self.MODELS}
        self.rows = {m: [] for m in self.MODELS}
        self.fields = {m: [f for f in m._meta.concrete_fields] for m in self.MODELS}
        self.defaults = {m: {f.attname: None if f.primary_key else f.get_default() for f in self.fields[m]}
                         for m in self.MODELS}
        self._stamp()

    def _stamp(self):
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        for defaults in self.defaults.values():
            defaults["created_at"] = defaults["updated_at"] = now

    def take(self):
        """The batch's rows, leaving the tables empty for the next batch."""
        rows, self.rows = self.rows, {m: [] for m in self.MODELS}
        self._stamp()
        return rows

    def add(self, model, **values) -> dict:
        row = self.defaults[model].copy()
        row.update(values)
        row["id"] = self.next_pk[model]
        self.next_pk[model] += 1
        self.rows[model].append(row)
        return row

    def write(self, batch, report):
        """One batch, parents first, in one transaction."""
        with transaction.atomic(), connection.cursor() as cursor:
            for model in self.MODELS:
                if batch[model]:
                    self._insert(cursor, model, batch[model])
                    report.rows[model.__name__] += len(batch[model])
            if connection.vendor == "postgresql":
                for sql in connection.ops.sequence_reset_sql(no_style(), self.MODELS):
                    cursor.execute(sql)

    def _insert(self, cursor, model, rows):
        fields = self.fields[model]
        quote = connection.ops.quote_name
        # Choices are stored as their plain value; JSON as text.
        choices = [i for i, f in enumerate(fields) if f.choices and isinstance(f, models.CharField)]
        json_columns = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
        values = operator.itemgetter(*(f.attname for f in fields))
        table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)

        def prepared():
            for row in rows:
                item = list(values(row))
                for i in choices:
                    item[i] = str(item[i])
                for i in json_columns:
                    item[i] = json.dumps(item[i])
                yield item

        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for item in prepared():
                    copy.write_row(item)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(prepared()))


class _Writer:
    """Runs the batch writes, in a thread of their own (and its own connection) when pipelined.

    At most one batch is in flight: Python builds batch k + 1 while the database takes batch k
    (its COPY, indexes and deferred foreign-key checks), which is most of the time at national scale.
    """

    def __init__(self, *, pipelined):
        self.pool = ThreadPoolExecutor(max_workers=1) if pipelined else None
        self.pending = None

    def submit(self, write):
        if self.pool is None:
            write()
            return
        self.wait()
        self.pending = self.pool.submit(write)

    def wait(self):
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()  # a failed batch stops the seeding here

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            try:
                if exc[0] is None:
                    self.wait()
            finally:
                self.pool.submit(lambda: connection.close()).result()  # the writer thread's own connection
                self.pool.shutdown()
        return False


# ---------------------------------------------------------------------------
# One learner's story, written as the services would have written it


class _Builder:
    def __init__(self, *, rng, today, tables, demo_center, staff_users):
        self.rng = rng
        self.today = today
        self.t = tables
        self.demo_center_id = demo_center.pk if demo_center else None
        self.reviewers = [u.pk for u in (staff_users.get("educator"), staff_users.get("counsellor")) if u]
        counsellor = staff_users.get("counsellor")
        self.follow_up_staff = counsellor.pk if counsellor else None
        self.massar_serial = itertools.count(1)
        self.cin_serial = Counter()
        self.massar_taken = set(Learner.objects.exclude(massar_code="").values_list("massar_code", flat=True))
        self.cin_taken = set(Learner.objects.exclude(cin="").values_list("cin", flat=True))
        self.transfers = 0
        self.risk = {}

    # -- the learner ------------------------------------------------------------------------------

    def learner(self, plan):
        rng = self.rng
        year = PAST_YEAR if plan.runs(PAST_YEAR) and (not plan.runs(CURRENT_YEAR) or rng.random() < 0.55) \
            else CURRENT_YEAR
        start = self._intake_date(plan, year)
        girl = rng.random() < GIRL_SHARE
        age, override = self._age_at_intake()
        birth_date = start - relativedelta(years=age) - timedelta(days=rng.randint(0, 364))
        given, given_ar = self._pick(GIRL_NAMES if girl else BOY_NAMES, GIRL_CUMULATIVE if girl else BOY_CUMULATIVE)
        family, family_ar = self._pick(FAMILY_NAMES, FAMILY_CUMULATIVE)
        commune = plan.communes[plan.center.commune_id] if rng.random() < 0.55 else self._commune(plan)
        learner = self.t.add(
            Learner, first_name=given, last_name=family, first_name_ar=given_ar, last_name_ar=family_ar,
            search_key=matching.search_key(given, family, given_ar, family_ar),
            sex=Sex.FEMALE if girl else Sex.MALE, birth_date=birth_date, commune_id=commune.pk,
            birthplace=(commune if rng.random() < 0.75 else self._commune(plan)).name_fr,
            referral=_fixed(rng, REFERRAL_WEIGHTS), reasons_left=[],
        )
        self._schooling(learner, girl, start, commune)
        self._identifiers(learner, plan)
        self._family(learner, girl, start, plan, commune)
        self.risk[learner["id"]] = self._hidden_risk(learner, start)

        story = _Story(learner=learner, plan=plan, workshop_trade=self._trade(plan, girl))
        if year == PAST_YEAR:
            self._past_year(story, start, override)
        else:
            self._current_year(story, start, override)
        # services._place_learner: the learner carries its current (active, else last) enrolment's centre.
        current = story.enrollments[-1]
        center = current["_plan"].center
        learner.update(center_id=center.pk, province_id=center.province_id, region_id=center.region_id,
                       association_id=center.association_id,
                       status=Learner.Status.EXITED if current["status"] == EXITED else Learner.Status.ENROLLED)

    def _hidden_risk(self, learner, start):
        """The learner's hidden risk of dropping out (about 0 on average, 1 is high): see module doc."""
        risk = self.rng.gauss(-0.35, 0.85)
        if learner["year_left"] is None:
            risk += 0.6
        else:
            risk += 0.3 * (min(start.year - learner["year_left"], 6) - 2)
        if learner["is_working_child"]:
            risk += 0.35
        if (learner["travel_minutes"] or 0) > 45:
            risk += 0.25
        return round(risk, 3)

    def _intake_date(self, plan, year):
        first = plan.opens[year]
        if year == PAST_YEAR:
            last = date(2026, 3, 31)
            span = 30 if self.rng.random() < 0.7 else (last - first).days
        else:
            last = self.today - timedelta(days=2)
            span = 25 if self.rng.random() < 0.8 else (last - first).days
        return min(last, first + timedelta(days=self.rng.randint(0, max(0, span))))

    def _age_at_intake(self):
        rng = self.rng
        if rng.random() < AGE_EXCEPTION_SHARE:
            if rng.random() < 0.35:
                return 12, rng.choice(YOUNGER_REASONS)
            return rng.choice((19, 19, 20)), rng.choice(OLDER_REASONS)
        return _fixed(rng, AGE_WEIGHTS), ""

    def _pick(self, names, cumulative):
        return self.rng.choices(names, cum_weights=cumulative, k=1)[0]

    def _commune(self, plan):
        index = bisect.bisect_left(plan.commune_weights, self.rng.random() * plan.commune_weights[-1])
        return plan.commune_list[min(index, len(plan.commune_list) - 1)]

    def _schooling(self, learner, girl, start, commune):
        rng = self.rng
        weights = dict(LEVEL_WEIGHTS)
        if commune.kind == Commune.Kind.RURAL:  # never schooled: more often rural girls
            weights[SchoolLevel.NEVER] *= 2.2 if girl else 1.4
        birth_date = learner["birth_date"]
        age_at_start = age_on(birth_date, start)
        # Nobody leaves a level they were too young to finish.
        weights = {level: w for level, w in weights.items()
                   if level == SchoolLevel.NEVER or LEVEL_AGE[level] <= age_at_start}
        level = _weighted(rng, weights)
        learner["last_level"] = level
        if level == SchoolLevel.NEVER:
            return
        usual = birth_date.year + LEVEL_AGE[level] + rng.choice((0, 0, 1, 1, 2, 3))
        learner["year_left"] = max(2000, birth_date.year + 6, min(usual, start.year))
        reason_weights = REASONS_BY_SEX[girl]
        reasons = {_fixed(rng, reason_weights)}
        if rng.random() < 0.35:
            reasons.add(_fixed(rng, reason_weights))
        learner["reasons_left"] = sorted(str(r) for r in reasons)
        if LeftReason.OTHER in reasons:
            learner["reason_left_other"] = rng.choice(OTHER_REASONS)

    def _identifiers(self, learner, plan):
        rng = self.rng
        # Everyone schooled since MASSAR (2013) has a code; some files lack it at intake.
        if learner["last_level"] != SchoolLevel.NEVER and rng.random() < 0.88:
            learner["massar_code"] = self._massar()
        age_now = age_on(learner["birth_date"], self.today)
        if (age_now >= 18 and rng.random() < 0.5) or (16 <= age_now < 18 and rng.random() < 0.08):
            learner["cin"] = self._cin(plan.region_code)
        if age_now >= 15 and rng.random() < 0.35:
            learner["phone"] = _phone(rng)

    def _massar(self):
        while True:  # a bijection of the serial on 9 digits: unique without a lookup
            digits = (next(self.massar_serial) * 387_420_489 + 130_045_678) % 1_000_000_000
            code = f"{self.rng.choice(MASSAR_LETTERS)}{digits:09d}"
            if code not in self.massar_taken:
                return code

    def _cin(self, region_code):
        prefix = self.rng.choice(CIN_PREFIXES.get(region_code, ("X",)))
        while True:
            self.cin_serial[prefix] += 1
            number = (self.cin_serial[prefix] * 531_441 + 104_729) % 1_000_000
            cin = f"{prefix}{number:06d}"
            if cin not in self.cin_taken:
                return cin

    def _family(self, learner, girl, start, plan, commune):
        """Guardians, consent (services.consent_record), and the household situation under consent."""
        rng = self.rng
        orphanhood = _fixed(rng, ORPHANHOOD_WEIGHTS)
        relations = RELATIONS_BY_ORPHANHOOD[orphanhood]
        first = _fixed(rng, relations)
        chosen = [first]
        if first in ("mother", "father") and rng.random() < 0.3:
            other = "father" if first == "mother" else "mother"
            if other in relations:
                chosen.append(other)
        guardians = [self._guardian(learner, relation, plan) for relation in chosen]
        if rng.random() >= DATA_CONSENT_SHARE:
            return
        # A learner of 18 or more may consent for themselves; a minor's consent is a guardian's.
        adult = age_on(learner["birth_date"], start) >= 18
        given_by = None if adult and rng.random() < 0.5 else guardians[0]["id"]
        purposes = [Consent.Purpose.DATA] + ([Consent.Purpose.PHOTOS] if rng.random() < PHOTO_CONSENT_SHARE else [])
        for purpose in purposes:
            self.t.add(Consent, learner_id=learner["id"], purpose=purpose, guardian_id=given_by, given_on=start)
        working = LeftReason.CHILD_LABOUR in learner["reasons_left"] or rng.random() < (0.07 if girl else 0.18)
        here = commune.pk == plan.center.commune_id
        base = rng.randint(5, 35) if here else rng.randint(20, 75)
        learner.update(
            orphanhood=orphanhood, has_disability=rng.random() < 0.04, is_working_child=working,
            travel_minutes=min(300, base + (rng.randint(0, 40) if commune.kind == Commune.Kind.RURAL else 0)),
        )
        if rng.random() < 0.06:
            learner["notes"] = rng.choice(CONFIDENTIAL_NOTES)

    def _guardian(self, learner, relation, plan):
        rng = self.rng
        same_family = relation in ("father", "grandparent", "sibling") or rng.random() < 0.3
        family = (learner["last_name"], learner["last_name_ar"]) if same_family else self._pick(
            FAMILY_NAMES, FAMILY_CUMULATIVE)
        female = relation == "mother" or (relation != "father" and rng.random() < 0.5)
        given = self._pick(GIRL_NAMES if female else BOY_NAMES, GIRL_CUMULATIVE if female else BOY_CUMULATIVE)
        arabic = rng.random() < 0.15
        prefixes = CIN_PREFIXES.get(plan.region_code, ("X",))
        return self.t.add(
            Guardian, learner_id=learner["id"], relation=relation,
            full_name=f"{given[1]} {family[1]}" if arabic else f"{given[0]} {family[0]}",
            phone=_phone(rng) if rng.random() < 0.9 else "",
            cin=f"{rng.choice(prefixes)}{rng.randint(1000, 999_999)}" if rng.random() < 0.7 else "",
        )

    def _trade(self, plan, girl):
        if not plan.trades:
            return None
        weights = {code: TRADE_WEIGHTS.get(code, (5, 5))[0 if girl else 1] for code in plan.trades}
        return _weighted(self.rng, weights)

    # -- the years ----------------------------------------------------------------------------------

    def _past_year(self, story, start, override):
        """Enrolled in 2025-2026: moved, left during the year or at its end, or went on to 2026-2027."""
        rng = self.rng
        current = self._enroll(story, story.plan, PAST_YEAR, start, override)
        if rng.random() < 0.04:  # a transfer during the year
            day = start + timedelta(days=rng.randint(30, 150))
            target = self._neighbour(story.plan, PAST_YEAR, day)
            if target is not None and day <= LAST_MID_YEAR_DAY:
                current = self._transfer(story, current, target, day, PAST_YEAR)
        fate, risk = rng.random(), self.risk[story.learner["id"]]
        mid_year = min(0.45, 0.12 * math.exp(0.7 * risk))  # leaving during the year: 17 % on average
        if fate < mid_year:
            begun = current["start_date"]
            latest = max(begun + timedelta(days=20), LAST_MID_YEAR_DAY)
            self._exit(story, current, begun + timedelta(days=rng.randint(20, (latest - begun).days)),
                       MID_YEAR_OUTCOMES)
            return
        plan = current["_plan"]
        next_start = plan.opens.get(CURRENT_YEAR, YEAR_STARTS[CURRENT_YEAR]) + timedelta(days=rng.randint(0, 20))
        too_old = age_on(story.learner["birth_date"], next_start) > plan.center.max_age and rng.random() < 0.85
        if fate < mid_year + 0.3 or too_old:
            self._exit(story, current, date(2026, 6, 1) + timedelta(days=rng.randint(0, 44)), YEAR_END_OUTCOMES)
            return
        if plan.runs(CURRENT_YEAR):
            # Closed at the end of the year, enrolled again at the rentrée (services.learner_enroll).
            self._close(story, current, PAST_YEAR_CLOSE, CLOSED)
            current = self._enroll(story, plan, CURRENT_YEAR, next_start, "")
        else:
            # Their centre was suspended: transferred to a neighbour for the new year.
            target = self._neighbour(plan, CURRENT_YEAR, next_start)
            if target is None:
                self._exit(story, current, date(2026, 6, 30), YEAR_END_OUTCOMES)
                return
            current = self._transfer(story, current, target, next_start, CURRENT_YEAR)
        self._maybe_early_exit(story, current, 0.04)

    def _current_year(self, story, start, override):
        rng = self.rng
        current = self._enroll(story, story.plan, CURRENT_YEAR, start, override)
        if rng.random() < 0.02:
            day = start + timedelta(days=rng.randint(20, 50))
            target = self._neighbour(story.plan, CURRENT_YEAR, day)
            if target is not None and day < self.today:
                current = self._transfer(story, current, target, day, CURRENT_YEAR)
        self._maybe_early_exit(story, current, 0.03)

    def _maybe_early_exit(self, story, current, share):
        """A few leave in the first weeks of the current year (their follow-ups are still ahead)."""
        days = (self.today - current["start_date"]).days
        share = min(0.3, share * math.exp(0.7 * self.risk[story.learner["id"]]) * 0.7)
        if self.rng.random() < share and days > 12:
            self._exit(story, current, current["start_date"] + timedelta(days=self.rng.randint(10, days - 1)),
                       MID_YEAR_OUTCOMES)
        else:
            self._fill(story, current, None)

    def _neighbour(self, plan, year, day):
        choices = [p for p in plan.neighbours if p.runs(year, day)][:6]
        return self.rng.choice(choices) if choices else None

    # -- the writes of the services, one by one -------------------------------------------------------

    def _enroll(self, story, plan, year, start, override, transferred_from=None):
        """services._open_enrollment (groups, stages and tracks are added once the enrolment's end is known)."""
        age = age_on(story.learner["birth_date"], start)
        in_range = MIN_AGE <= age <= plan.center.max_age
        if not in_range and not override:  # services._check_age: an exception needs its reason
            override = self.rng.choice(YOUNGER_REASONS if age < MIN_AGE else OLDER_REASONS)
        enrollment = self.t.add(
            Enrollment, learner_id=story.learner["id"], center_id=plan.center.pk, school_year=year,
            start_date=start, status=ACTIVE, age_override_reason="" if in_range else override,
            transferred_from_id=transferred_from["id"] if transferred_from else None,
        )
        enrollment["_plan"] = plan
        story.enrollments.append(enrollment)
        return enrollment

    def _transfer(self, story, current, target, day, year):
        """services.learner_transfer: the old enrolment is closed and kept, linked to the new one."""
        self.transfers += 1
        self._close(story, current, day, TRANSFERRED)
        return self._enroll(story, target, year, day, "", transferred_from=current)

    def _close(self, story, enrollment, day, status):
        """services._close_enrollment: the end date on the enrolment and on what is still open."""
        enrollment.update(end_date=day, status=status)
        return self._fill(story, enrollment, day)

    def _exit(self, story, enrollment, day, outcomes):
        """services.learner_exit: closed with an outcome, an exit stage and three follow-ups."""
        rng = self.rng
        day = min(day, self.today - timedelta(days=1))
        started = self._close(story, enrollment, day, EXITED)
        learner = story.learner
        girl = learner["sex"] == Sex.FEMALE
        age = age_on(learner["birth_date"], day)
        weights = {o: g if girl else b for o, g, b in outcomes}
        weights[Outcome.DROPOUT] *= math.exp(1.2 * (self.risk[learner["id"]] - 0.5))  # the hidden risk, see module doc
        if age > 16:
            weights.pop(Outcome.SCHOOL, None)
        if age < 15:
            for outcome in (Outcome.EMPLOYMENT, Outcome.SELF_EMPLOYMENT, Outcome.VOCATIONAL):
                weights.pop(outcome, None)
        if not started:  # left before the catch-up began: no insertion to speak of
            weights = {o: w for o, w in weights.items() if o in (Outcome.DROPOUT, Outcome.MOVED, Outcome.OTHER)}
        outcome = _weighted(rng, weights)
        exit_ = self.t.add(Exit, enrollment_id=enrollment["id"], exit_date=day, outcome=outcome,
                           **self._exit_details(learner, story, outcome))
        self.t.add(PathwayStep, enrollment_id=enrollment["id"], stage=Stage.EXIT, start_date=day)
        staff = self.follow_up_staff if enrollment["center_id"] == self.demo_center_id else None
        for months in FollowUp.MONTHS:
            due = day + relativedelta(months=months)
            follow_up = self.t.add(FollowUp, exit_id=exit_["id"], learner_id=learner["id"], months=months, due_on=due)
            if due <= self.today and rng.random() < FOLLOW_UP_DONE_SHARE:
                follow_up.update(
                    done_on=min(self.today, due + timedelta(days=rng.randint(0, 20))),
                    situation=_fixed(rng, SITUATION_DRIFT[outcome]), notes=rng.choice(FOLLOW_UP_NOTES),
                    recorded_by_id=staff,
                )

    def _exit_details(self, learner, story, outcome):
        rng = self.rng
        trade_name = TRADE_LABELS.get(story.workshop_trade, "Polyvalent")
        if outcome == Outcome.SCHOOL:
            reached = learner["last_level"] if learner["last_level"] in LEVEL_ORDER else "P4"
            index = min(LEVEL_ORDER.index(reached) + rng.choice((0, 1)), LEVEL_ORDER.index("S3"))
            level = LEVEL_ORDER[max(index, LEVEL_ORDER.index("P5"))]
            kind = "primary" if level.startswith("P") else "secondary"
            return {"school_level": level, "school_name": rng.choice(SCHOOLS[kind])}
        if outcome == Outcome.VOCATIONAL:
            if rng.random() < 0.7:
                return {"training_provider": Exit.TrainingProvider.OFPPT,
                        "programme": f"{rng.choice(('Qualification', 'Spécialisation'))} – {trade_name}"}
            return {"training_provider": Exit.TrainingProvider.OTHER,
                    "programme": f"{rng.choice(OTHER_PROVIDERS)} – {trade_name}"}
        if outcome == Outcome.APPRENTICESHIP:
            return {"programme": f"Apprentissage – {trade_name}", "employer": rng.choice(EMPLOYERS)}
        if outcome == Outcome.EMPLOYMENT:
            return {"employer": rng.choice(EMPLOYERS)}
        if outcome == Outcome.SELF_EMPLOYMENT:
            return {"employer": rng.choice(SELF_EMPLOYMENT)}
        if outcome == Outcome.DROPOUT:
            girl = learner["sex"] == Sex.FEMALE
            return {"dropout_reason": _fixed(rng, DROPOUT_BY_SEX[girl])}
        if outcome == Outcome.MOVED:
            return {"details": rng.choice(MOVED_DETAILS)}
        return {"details": rng.choice(OTHER_EXIT_DETAILS)}

    def _fill(self, story, enrollment, end):
        """Groups, stages and tracks of an enrolment from its start to ``end`` (None: still active).

        As the services do it: the intake stage at the start (``_open_enrollment``), a class from
        the start and later a workshop (``learner_place``), stages forward in time and never in the
        future (``pathway_advance``), tracks (``track_start``), and what is still open ended on the
        closing day (``_close_enrollment``). Returns whether the learner got past intake.
        """
        rng, t = self.rng, self.t
        plan, learner = enrollment["_plan"], story.learner
        year, start, pk = enrollment["school_year"], enrollment["start_date"], enrollment["id"]
        exiting = enrollment["status"] == EXITED
        limit = min(end or self.today, self.today)
        steps = [(Stage.INTAKE, start)]
        continuing = story.stage not in (Stage.INTAKE, Stage.EXIT)
        if continuing:  # back after the summer or a transfer: straight back to the stage reached
            steps.append((story.stage, start + timedelta(days=rng.randint(1, 7))))
        else:
            steps.append((Stage.CATCH_UP, start + timedelta(days=rng.randint(7, 30))))
        catch_up_from = steps[-1][1]
        classes = plan.catch_up.get(year)
        if classes:
            t.add(Placement, enrollment_id=pk, group_id=rng.choice(classes), start_date=start, end_date=end)
        workshop = plan.workshops.get(year, {}).get(story.workshop_trade)
        workshop_from = None
        if workshop is not None and age_on(learner["birth_date"], start) >= 14 and (continuing or rng.random() < 0.7):
            workshop_from = start + timedelta(days=rng.randint(3, 20) if continuing else rng.randint(45, 150))
            steps.append((Stage.PRE_VOCATIONAL, workshop_from))
        if exiting and rng.random() < 0.7:
            steps.append((Stage.INSERTION, end - timedelta(days=rng.randint(15, 60))))
        kept, last = [], start
        for stage, day in steps:
            if day < last or day > limit or (kept and kept[-1][0] == stage):
                continue
            kept.append((stage, day))
            last = day
        for stage, day in kept:
            t.add(PathwayStep, enrollment_id=pk, stage=stage, start_date=day)
        story.stage = kept[-1][0]
        tracks = []
        if catch_up_from <= limit:
            tracks.append((Track.CATCH_UP, catch_up_from))
        if workshop_from is not None and workshop_from <= limit:
            t.add(Placement, enrollment_id=pk, group_id=workshop, start_date=workshop_from, end_date=end)
            tracks.append((Track.TRADE, workshop_from))
        if rng.random() < 0.6:
            tracks.append((Track.PERSONAL_DEVELOPMENT, start + timedelta(days=rng.randint(7, 40))))
        vulnerable = learner["orphanhood"] not in ("", Orphanhood.NONE) or learner["is_working_child"]
        if rng.random() < (0.45 if vulnerable else 0.15):
            tracks.append((Track.PSYCHOSOCIAL, start + timedelta(days=rng.randint(7, 60))))
        for track, day in tracks:
            if day <= limit:
                t.add(TrackParticipation, enrollment_id=pk, track=track, start_date=day, end_date=end)
        if enrollment["center_id"] == self.demo_center_id and len(kept) > 1:
            self._individual_plan(enrollment, kept[1][1], limit)
        return len(kept) > 1

    def _individual_plan(self, enrollment, since, until):
        """The demo centre's staff keep individual plans, reviewed every two or three months.

        Only there: a review is signed by a user, and the demo centre's staff are the only ones with an account.
        """
        rng = self.rng
        plan = self.t.add(IndividualPlan, enrollment_id=enrollment["id"], goals=rng.choice(PLAN_GOALS))
        if not self.reviewers:
            return
        day = since + timedelta(days=rng.randint(40, 75))
        while day <= until:
            following = day + timedelta(days=rng.randint(60, 90))
            self.t.add(PlanReview, plan_id=plan["id"], reviewed_on=day, reviewer_id=rng.choice(self.reviewers),
                       notes=rng.choice(REVIEW_NOTES), next_review_on=following)
            day = following


@dataclass
class _Story:
    """One learner's way through the two years."""

    learner: dict
    plan: CenterPlan
    workshop_trade: str | None = None
    enrollments: list = field(default_factory=list)
    stage: str = Stage.INTAKE  # the last stage reached, carried into a new enrolment


REASONS_BY_SEX = {girl: {r: g if girl else b for r, g, b in REASON_WEIGHTS} for girl in (True, False)}
DROPOUT_BY_SEX = {girl: {r: g if girl else b for r, g, b in DROPOUT_REASONS} for girl in (True, False)}
# Who can be a guardian: not a deceased parent.
RELATIONS_BY_ORPHANHOOD = {
    orphanhood: {relation: weight for relation, weight in GUARDIAN_RELATIONS.items() if relation not in deceased}
    for orphanhood, deceased in ((Orphanhood.NONE, ()), (Orphanhood.FATHER, ("father",)),
                                 (Orphanhood.MOTHER, ("mother",)), (Orphanhood.BOTH, ("father", "mother")))
}
ACTIVE, TRANSFERRED, EXITED, CLOSED = (
    Enrollment.Status.ACTIVE, Enrollment.Status.TRANSFERRED, Enrollment.Status.EXITED, Enrollment.Status.CLOSED,
)


def _weighted(rng, weights):
    items = list(weights)
    return rng.choices(items, weights=[weights[i] for i in items], k=1)[0]


_DRAWS = {}


def _fixed(rng, weights):
    """``_weighted`` for the module's constant tables, their cumulative weights computed once."""
    draw = _DRAWS.get(id(weights))
    if draw is None:
        draw = _DRAWS[id(weights)] = (list(weights), list(itertools.accumulate(weights.values())), weights)
    return rng.choices(draw[0], cum_weights=draw[1], k=1)[0]


def _phone(rng):
    """A number the Moroccan phone validator accepts: a mobile mostly, a landline sometimes."""
    if rng.random() < 0.85:
        number = f"0{rng.choice('667')}{rng.randint(0, 99_999_999):08d}"
    else:
        number = f"05{rng.choice('23')}{rng.randint(0, 9_999_999):07d}"
    return "+212" + number[1:] if rng.random() < 0.2 else number
