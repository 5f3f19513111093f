"""Demo basic skills: the default framework, a diagnostic and a periodic assessment for the demo
centre's classes and a share of the other catch-up classes of the current year, with plausible
progress and a few absences, and two remediation groups at the demo centre.

Learners with a higher hidden risk (``learners.LearnerReport.risk``) start lower, miss more
assessments and gain less: weak diagnostics go with dropping out, as in the programme.

Deterministic (a seeded ``random.Random``) and written in bulk: a few seconds for 2,000 learners.
"""

import math
import random
from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q

from forsa.assessments.models import (
    Assessment,
    Competency,
    Framework,
    Kind,
    RemediationGroup,
    RemediationSession,
    Result,
)
from forsa.assessments.services import framework_ensure_default
from forsa.centers.models import Group, school_year_of, school_year_start
from forsa.learners.models import Placement

SHARE = 0.4  # of the other centres' catch-up classes assessed
POLES = ("AR", "FR", "MATH", "LIFE")  # catch-up classes are not assessed on vocational competencies
ABSENT = 0.04  # chance that a learner misses an assessment


def _placed(spans, day):
    return [learner for learner, start, end in spans if start <= day and (end is None or end > day)]


@transaction.atomic
def seed_assessments(*, rng: random.Random, today: date, demo_center=None, educator=None, risk=None) -> int:
    """Returns the number of results created (none when the demo already has assessments).

    ``risk``: the learners' hidden risk by id (0 for those it does not give)."""
    risk = risk or {}
    framework_ensure_default()
    if Assessment.objects.exists():
        return 0
    framework = Framework.objects.get(status=Framework.Status.PUBLISHED)
    competencies = list(Competency.objects.filter(framework=framework, domain__pole__code__in=POLES)
                        .values_list("pk", "code", "domain__pole__code").order_by("pk"))
    year = school_year_of(today)
    groups = [(pk, center) for pk, center in Group.objects.filter(school_year=year, kind=Group.Kind.CATCH_UP)
              .order_by("pk").values_list("pk", "center_id")
              if (demo_center and center == demo_center.pk) or rng.random() < SHARE]
    spans = defaultdict(list)
    for group, learner, start, end in (Placement.objects.filter(group__in=[g for g, _c in groups])
                                       .filter(Q(end_date__isnull=True) | Q(end_date__gt=school_year_start(today)))
                                       .values_list("group_id", "enrollment__learner_id", "start_date", "end_date")):
        spans[group].append((learner, start, end))
    assessments, plans = [], []
    opening = school_year_start(today) + timedelta(days=21)
    for group, center in groups:
        diagnostic = opening + timedelta(days=rng.randint(0, 10))
        periodic = diagnostic + timedelta(days=rng.randint(40, 55))
        for kind, day in ((Kind.DIAGNOSTIC, diagnostic), (Kind.PERIODIC, periodic)):
            if day < today and _placed(spans[group], day):
                assessments.append(Assessment(group_id=group, center_id=center, kind=kind, date=day,
                                              framework=framework, assessed_by=educator if demo_center and
                                              center == demo_center.pk else None))
                plans.append(_placed(spans[group], day))
    Assessment.objects.bulk_create(assessments, batch_size=1000)
    Through = Assessment.competencies.through
    Through.objects.bulk_create([Through(assessment_id=a.pk, competency_id=pk) for a in assessments
                                 for pk, _code, _pole in competencies], batch_size=5000)
    results, base, latest = [], {}, {}
    for assessment, learners in zip(assessments, plans, strict=True):
        for learner in learners:
            hidden = risk.get(learner, 0.0)
            # Some learners at risk stall: no gain from one assessment to the next.
            stalled = rng.random() < 1 / (1 + math.exp(2.2 - 1.2 * hidden))
            if rng.random() < min(0.3, ABSENT * math.exp(0.8 * hidden)):
                results += [Result(assessment_id=assessment.pk, learner_id=learner, competency_id=pk, absent=True)
                            for pk, _code, _pole in competencies]
                continue
            for pk, _code, pole in competencies:
                start = base.get((learner, pole))
                if start is None:
                    weights = (4 * math.exp(0.6 * hidden), 4, 2 * math.exp(-0.6 * hidden))
                    start = base[(learner, pole)] = rng.choices((1, 2, 3), weights=weights)[0]
                if assessment.kind == Kind.DIAGNOSTIC:
                    level = start + rng.choice((-1, 0, 0, 0, 1))
                else:  # most learners gain a level on some competencies, a few slip back
                    gain = (1, 3, 0, 0) if stalled else (1, 3 * math.exp(0.5 * hidden), 6, 3 * math.exp(-0.5 * hidden))
                    level = latest.get((learner, pk), start) + rng.choices((-1, 0, 1, 2), weights=gain)[0]
                level = min(4, max(1, level))
                latest[(learner, pk)] = level
                results.append(Result(assessment_id=assessment.pk, learner_id=learner, competency_id=pk,
                                      level=level))
    Result.objects.bulk_create(results, batch_size=5000)
    if demo_center is not None:
        _remediation(rng, assessments, plans, latest, competencies, demo_center, educator)
    return len(results)


def _remediation(rng, assessments, plans, latest, competencies, demo_center, educator):
    """Two remediation groups at the demo centre: the learners of its first assessed class below level 3
    on its two weakest competencies (by mean latest level), started after the diagnostic."""
    mine = [(a, learners) for a, learners in zip(assessments, plans, strict=True)
            if a.center_id == demo_center.pk and a.kind == Kind.DIAGNOSTIC]
    for (assessment, learners), pole in zip(mine[:2], ("MATH", "FR"), strict=False):
        targets = [pk for pk, _code, p in competencies if p == pole][:2]
        members = [learner for learner in learners if any(latest.get((learner, pk), 4) < 3 for pk in targets)][:8]
        if not members:
            continue
        start = assessment.date + timedelta(days=7)
        group = RemediationGroup.objects.create(
            center=demo_center, group_id=assessment.group_id, name=f"Soutien {pole} – {assessment.group.name}",
            facilitator=educator, start_date=start)
        group.competencies.set(targets)
        group.learners.set(members)
        for week in range(3):
            session = RemediationSession.objects.create(
                remediation_group=group, date=start + timedelta(days=7 * week), done=True,
                content=("Numération et calcul posé" if pole == "MATH" else "Lecture à voix haute et compréhension"),
                follow_up="Bonne participation ; à poursuivre." if week == 2 else "")
            session.attended.set([m for m in members if rng.random() < 0.85])
