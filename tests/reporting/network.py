"""A small network whose figures are worked out by hand (school year 2026-2027).

Region 01 (the world's own side): centre A (120 seats) and centre A2 (80 seats, opened on 1 October
2026, mid-year); a closed centre (60 seats) that counts nowhere. Region 06 (foreign side): centre B
(120 seats).

* Amina (girl): taken in at A on 15 September 2026, still there.
* Omar (boy): taken in at A on 15 September 2026, transferred to B on 16 November 2026 (mid-month).
* Salma (girl): taken in at A on 15 September 2026, left for school on 20 October 2026 (a positive exit),
  came back to A on 2 November 2026 (the same school year).
* Youssef (boy): taken in at B on 15 September 2026, dropped out on 30 October 2026.
* Hajar (girl): taken in at B in 2025-2026 (20 September 2025), left on 30 June 2026 (other), followed up
  at +3 months on 2 October 2026, enrolled again at B on 21 September 2026: enrolled this year, not a new
  intake.

Roll calls of November 2026: A's group on 2 November (Amina, Omar, Salma expected; Salma absent) and
on 17 November (Amina and Salma: Omar left on the 16th); B's group on 17 November (Omar and Hajar; Omar
absent; Youssef had left).

By hand, 2026-2027:
                      nation      region 01          region 06
learners enrolled     5           2 (Amina, Salma)   3 (Omar, Youssef, Hajar)
new intakes           4           3 (A: all three)   1 (Youssef)
girls' share          3/5 = 60.0  2/2 = 100.0        1/3 = 33.3
exits                 2           1 (school)         1 (dropout)
positive exit rate    1/2 = 50.0  1/1 = 100.0        0/1 = 0.0
centres open          3           2                  1
seats                 320         200                120
occupancy (today)     4/320 = 1.2 2/200 = 1.0        2/120 = 1.7    (Amina, Salma | Omar, Hajar)
attendance, Nov.      5/7 = 71.4  4/5 = 80.0         1/2 = 50.0
follow-ups done       1/1 = 100.0 (none due)         1/1 = 100.0    (on 5 December 2026: Hajar's +3, done)
  on 25 January 2027  1/3 = 33.3  0/1 = 0.0 (Salma +3) 1/2 = 50.0 (Hajar's +6 due 30 December, not done)

Rows added for the other indicators (nothing above changes):

* Basic skills (default framework): A's group, diagnostic on 20 September (Amina MATH-NUM-2 1 and AR-READ-1 2,
  Omar MATH-NUM-2 2, Salma MATH-NUM-2 2) and periodic on 2 November (Amina MATH 3 and AR 4, Omar MATH 2, Salma
  absent); B's group, diagnostic on 22 September (Hajar MATH 1), periodic on 17 November (Hajar MATH 2, Omar
  MATH 2: his diagnostic was at A, his latest level at B; he counts at B, where he was last enrolled).
  Measured/gained per pole: MATH Amina +2 yes (A), Omar +0 no (B), Hajar +1 yes (B): 2/3; AR Amina +2 yes: 1/1;
  Salma has no later level (absent): not measured.
* Remediation: a group at A from 3 November with Amina and Salma.
* Follow-ups: Youssef's +3 done early on 1 December (situation: neither in school, training nor work); Hajar's
  +3 (2 October, school) is the other follow-up done in 2026-2027.
* Conventions: own (region 01, covering A and A2) signed 10 October 2026, fundings 400,000 + 100,000; tranche 1
  released on 5 November (250,000 released), tranche 2 planned; reports due 31 October (submitted 30 October),
  30 November (not submitted), 31 January 2027. Foreign (region 06, covering B) signed 15 June 2026 (last year),
  funding 100,000; its tranche released on 20 September 2026 with no amount written (the planned 100,000
  counts); report due 15 November, submitted 20 November (late).
* Early warning, daily run of 4 December: Amina high, Salma watch (A); Omar low, Hajar watch, Youssef high but
  he left (not counted) (B). Interventions: Amina 20 and 25 November (A), Hajar 5 October (B), Hajar 1 June
  2026 (last year).

By hand, 2026-2027 (reference day 5 December 2026 unless said):
                      nation           region 01           region 06
rolls not taken, Nov. 39 of 42         19 of 21 (A's group) 20 of 21 (B's group; 21 school days, 3 rolls)
retention 3 months    on 1 April 2027: 3/4 = 75.0  3/3 = 100.0 (Omar moved, Salma came back)  0/1 = 0.0
retention 6 months    on 1 April 2027: 3/4 = 75.0  idem; on 5 December 2026 nobody has 91 days yet (no cell)
basic-skills gain     3/4 = 75.0       2/2 = 100.0         1/2 = 50.0  (by pole, nation: AR 100.0, MATH 66.7)
in remediation        2                2                   -
situation after exit  1/2 = 50.0       -                   1/2 = 50.0  (school 1, nothing 1)
conventions signed    1                1                   -   (province of A: 1; centres A: 1, A2: 1)
amounts committed     500,000          500,000             -
amounts disbursed     350,000          250,000             100,000
late reports          2 (of 3 due)     1 (of 2)            1 (of 1)
learners at risk      3 (of 4)         2 (of 2)            1 (of 2)    (high 1, watch 2)
interventions         3                2                   1
"""

import datetime
from dataclasses import dataclass

from forsa.assessments import services as assessments
from forsa.attendance.services import roll_call_record
from forsa.conventions.models import Convention, Funding, Report, Tranche
from forsa.earlywarning.models import Intervention, LearnerRisk
from forsa.learners.services import follow_up_record, learner_enroll, learner_exit, learner_transfer
from forsa.organizations.models import Organization
from tests.factories import make_center, make_group, make_learner

D = datetime.date.fromisoformat


@dataclass
class Network:
    a: object
    a2: object
    b: object
    learners: dict


def build_network(world):
    own, foreign = world["own"], world["foreign"]
    a, b = own.center, foreign.center
    a2 = make_center(own.association, "01", capacity=80, opening_date=D("2026-10-01"))
    make_center(own.association, "01", capacity=60, status="closed")
    group_a, group_b = make_group(a), make_group(b)
    hajar_group = make_group(b, name="Rattrapage 2025", school_year="2025-2026")
    amina = make_learner(a, groups=[group_a], first_name="Amina", sex="F")
    omar = make_learner(a, groups=[group_a], first_name="Omar", sex="M", birth_date="2011-05-02")
    salma = make_learner(a, groups=[group_a], first_name="Salma", sex="F", birth_date="2011-07-09")
    youssef = make_learner(b, groups=[group_b], first_name="Youssef", sex="M", birth_date="2011-01-21")
    hajar = make_learner(b, groups=[hajar_group], first_name="Hajar", sex="F", birth_date="2010-11-30",
                         school_year="2025-2026", start_date="2025-09-20")
    learner_exit(actor=None, learner=hajar, exit_date=D("2026-06-30"), outcome="other")
    follow_up_record(actor=None, follow_up=hajar.follow_ups.get(months=3), done_on=D("2026-10-02"),
                     situation="school")
    learner_enroll(actor=None, learner=hajar, center=b, school_year="2026-2027", start_date=D("2026-09-21"),
                   groups=[group_b])
    learner_exit(actor=None, learner=salma, exit_date=D("2026-10-20"), outcome="school", school_level="S1")
    learner_enroll(actor=None, learner=salma, center=a, school_year="2026-2027", start_date=D("2026-11-02"),
                   groups=[group_a])
    learner_exit(actor=None, learner=youssef, exit_date=D("2026-10-30"), outcome="dropout",
                 dropout_reason="economic")
    learner_transfer(actor=None, learner=omar, to_center=b, transfer_date=D("2026-11-16"), groups=[group_b])
    roll_call_record(actor=None, group=group_a, date=D("2026-11-02"), slot="morning",
                     marks={salma.pk: {"kind": "absent"}})
    roll_call_record(actor=None, group=group_a, date=D("2026-11-17"), slot="morning", marks={})
    roll_call_record(actor=None, group=group_b, date=D("2026-11-17"), slot="morning",
                     marks={omar.pk: {"kind": "absent"}})
    learners = {"amina": amina, "omar": omar, "salma": salma, "youssef": youssef, "hajar": hajar}
    _basic_skills(a, group_a, group_b, learners)
    follow_up_record(actor=None, follow_up=youssef.follow_ups.get(months=3), done_on=D("2026-12-01"),
                     situation="nothing")
    _conventions(own, foreign, a, a2, b)
    _early_warning(world, a, b, learners)
    return Network(a, a2, b, learners)


def _basic_skills(a, group_a, group_b, learners):
    assessments.framework_ensure_default()
    framework = assessments.published_framework()
    math, arabic = (framework.competencies.get(code=code).pk for code in ("MATH-NUM-2", "AR-READ-1"))
    amina, omar, salma, hajar = (learners[name].pk for name in ("amina", "omar", "salma", "hajar"))
    for group, kind, day, cells in (
            (group_a, "diagnostic", "2026-09-20", {(amina, math): 1, (amina, arabic): 2, (omar, math): 2,
                                                   (salma, math): 2}),
            (group_a, "periodic", "2026-11-02", {(amina, math): 3, (amina, arabic): 4, (omar, math): 2,
                                                 (salma, math): "absent"}),
            (group_b, "diagnostic", "2026-09-22", {(hajar, math): 1}),
            (group_b, "periodic", "2026-11-17", {(hajar, math): 2, (omar, math): 2})):
        assessment = assessments.assessment_create(actor=None, group=group, kind=kind, date=D(day))
        assessments.results_save(actor=None, assessment=assessment, cells=cells)
    assessments.remediation_group_create(actor=None, center=a, name="Calcul", learners=[learners["amina"],
                                                                                     learners["salma"]],
                                         competencies=[framework.competencies.get(pk=math)],
                                         start_date=D("2026-11-03"))


def _conventions(own, foreign, a, a2, b):
    for side, centers, number, signed, fundings, tranches, reports in (
            (own, [a, a2], "C-01", "2026-10-10", {"ministry": 400_000, "unicef": 100_000},
             [(1, 300_000, "2026-11-01", "released", "2026-11-05", 250_000), (2, 200_000, "2027-03-01", "planned",
                                                                              None, None)],
             [("financial", "2026-10-31", "2026-10-30"), ("activity", "2026-11-30", None),
              ("activity", "2027-01-31", None)]),
            (foreign, [b], "C-06", "2026-06-15", {"ministry": 100_000},
             [(1, 100_000, "2026-09-15", "released", "2026-09-20", None)], [("activity", "2026-11-15", "2026-11-20")])):
        region = centers[0].region
        party = Organization.objects.create(kind="aref", region=region, name_fr=f"AREF {region.code}",
                                            name_ar=f"أكاديمية {region.code}")
        convention = Convention.objects.create(number=number, party=party, association=side.association,
                                               region=region, start_date=D("2026-09-01"), end_date=D("2027-08-31"),
                                               status="active", signed_on=D(signed))
        convention.centers.set(centers)
        Funding.objects.bulk_create(Funding(convention=convention, source=source, amount=amount)
                                    for source, amount in fundings.items())
        for order, planned, planned_on, status, released_on, released in tranches:
            Tranche.objects.create(convention=convention, order=order, planned_amount=planned,
                                   planned_on=D(planned_on), status=status,
                                   released_on=released_on and D(released_on), released_amount=released)
        for kind, due, submitted in reports:
            Report.objects.create(convention=convention, kind=kind, period="2026-2027", due_on=D(due),
                                  status="submitted" if submitted else "expected",
                                  submitted_on=submitted and D(submitted))


def _early_warning(world, a, b, learners):
    day = D("2026-12-04")
    for name, center, level in (("amina", a, "high"), ("salma", a, "watch"), ("omar", b, "low"),
                                ("hajar", b, "watch"), ("youssef", b, "high")):
        LearnerRisk.objects.create(learner=learners[name], center=center, as_of=day, level=level)
    actor = world["own"].users["center_director"]
    for name, center, kind, date in (("amina", a, "guardian_call", "2026-11-20"),
                                     ("amina", a, "home_visit", "2026-11-25"),
                                     ("hajar", b, "counselling", "2026-10-05"),
                                     ("hajar", b, "counselling", "2026-06-01")):
        Intervention.objects.create(learner=learners[name], center=center, kind=kind, date=D(date), actor=actor)
