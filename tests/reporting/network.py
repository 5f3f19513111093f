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
"""

import datetime
from dataclasses import dataclass

from forsa.attendance.services import roll_call_record
from forsa.learners.services import follow_up_record, learner_enroll, learner_exit, learner_transfer
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
    return Network(a, a2, b, {"amina": amina, "omar": omar, "salma": salma, "youssef": youssef, "hajar": hajar})
