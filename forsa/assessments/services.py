"""Every write of basic skills: the framework and its versions, assessments and their results,
remediation groups and their sessions, a group's bulletins in one PDF."""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, prefetch_related_objects
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from forsa.assessments.defaults import POLES, SCALE
from forsa.assessments.models import (
    Assessment,
    BulletinBatch,
    Competency,
    Domain,
    Framework,
    LevelDescriptor,
    Pole,
    RemediationGroup,
    RemediationSession,
    Result,
)
from forsa.audit.models import AuditEntry
from forsa.audit.services import audit_record, instance_save
from forsa.core.ids import is_id
from forsa.core.services import require
from forsa.learners.models import Learner
from forsa.learners.selectors import expected_learner_ids, expected_learners

ABSENT = "absent"
logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------
# The framework


def _copy_tree(source: Framework, target: Framework):
    """Copy poles, domains, competencies and level descriptors of ``source`` into ``target``."""
    poles = list(source.poles.all())
    new_poles = Pole.objects.bulk_create(
        Pole(framework=target, code=p.code, name_fr=p.name_fr, name_ar=p.name_ar, position=p.position) for p in poles)
    pole_of = {old.pk: new for old, new in zip(poles, new_poles, strict=True)}
    domains = list(Domain.objects.filter(pole__framework=source))
    new_domains = Domain.objects.bulk_create(
        Domain(pole=pole_of[d.pole_id], code=d.code, name_fr=d.name_fr, name_ar=d.name_ar, position=d.position)
        for d in domains)
    domain_of = {old.pk: new for old, new in zip(domains, new_domains, strict=True)}
    competencies = list(source.competencies.all())
    new_competencies = Competency.objects.bulk_create(
        Competency(framework=target, domain=domain_of[c.domain_id], code=c.code, name_fr=c.name_fr,
                   name_ar=c.name_ar, reference_level=c.reference_level, position=c.position)
        for c in competencies)
    competency_of = {old.pk: new for old, new in zip(competencies, new_competencies, strict=True)}
    LevelDescriptor.objects.bulk_create(
        LevelDescriptor(framework=target, competency=competency_of.get(d.competency_id), level=d.level,
                        text_fr=d.text_fr, text_ar=d.text_ar)
        for d in source.descriptors.all())


@transaction.atomic
def framework_ensure_default(*, actor=None) -> int:
    """Create and publish the default framework (version 1) when there is no framework at all.

    Idempotent: once any version exists, nothing is touched. Returns the competencies created.
    """
    if Framework.objects.exists():
        return 0
    framework = Framework.objects.create(version=1, status=Framework.Status.PUBLISHED, published_at=timezone.now(),
                                         notes="Référentiel par défaut : littératie et numératie.")
    LevelDescriptor.objects.bulk_create(LevelDescriptor(framework=framework, level=level, text_fr=fr, text_ar=ar)
                                        for level, fr, ar in SCALE)
    created = 0
    for p_rank, (p_code, p_fr, p_ar, domains) in enumerate(POLES):
        pole = Pole.objects.create(framework=framework, code=p_code, name_fr=p_fr, name_ar=p_ar, position=p_rank)
        for d_rank, (d_code, d_fr, d_ar, competencies) in enumerate(domains):
            domain = Domain.objects.create(pole=pole, code=d_code, name_fr=d_fr, name_ar=d_ar, position=d_rank)
            created += len(Competency.objects.bulk_create(
                Competency(framework=framework, domain=domain, code=code, name_fr=fr, name_ar=ar,
                           reference_level=level, position=rank)
                for rank, (code, fr, ar, level) in enumerate(competencies)))
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=framework, changes={"competencies": created})
    return created


@transaction.atomic
def framework_draft_create(*, actor, source: Framework) -> Framework:
    """A new draft version copied from ``source``: the way to change a frozen framework."""
    require(actor, "framework.manage")
    if Framework.objects.filter(status=Framework.Status.DRAFT).exists():
        raise ValidationError(_("A draft version already exists: edit it or publish it first."))
    version = (Framework.objects.aggregate(last=Max("version"))["last"] or 0) + 1
    notes = _("Copied from version %(v)s.") % {"v": source.version}
    draft = instance_save(actor=actor, instance=Framework(version=version, levels=source.levels, notes=notes))
    _copy_tree(source, draft)
    return draft


@transaction.atomic
def framework_publish(*, actor, framework: Framework) -> Framework:
    """Publish a draft: the version published until now is retired (its results stay readable)."""
    require(actor, "framework.manage")
    if framework.status != Framework.Status.DRAFT:
        raise ValidationError(_("Only a draft version can be published."))
    if not framework.competencies.exists():
        raise ValidationError(_("A framework without any competency cannot be published."))
    for current in Framework.objects.select_for_update().filter(status=Framework.Status.PUBLISHED):
        current.status = Framework.Status.RETIRED
        instance_save(actor=actor, instance=current)
    framework.status = Framework.Status.PUBLISHED
    framework.published_at = timezone.now()
    return instance_save(actor=actor, instance=framework)


def _editable(framework):
    if framework.is_frozen:
        raise ValidationError(_("Version %(v)s is %(status)s and frozen: create a new draft version to change it.")
                              % {"v": framework.version, "status": framework.get_status_display()})


@transaction.atomic
def pole_save(*, actor, pole: Pole, **fields) -> Pole:
    """Add (a pole not yet saved, its ``framework`` set) or change a pole of a draft version."""
    require(actor, "framework.manage")
    if not pole._state.adding:
        _editable(Pole.objects.select_related("framework").get(pk=pole.pk).framework)
    for name, value in fields.items():
        setattr(pole, name, value)
    _editable(pole.framework)
    if Pole.objects.filter(framework=pole.framework, code=pole.code).exclude(pk=pole.pk).exists():
        raise ValidationError({"code": _("This version already has a pole with the code %(code)s.")
                               % {"code": pole.code}})
    return instance_save(actor=actor, instance=pole)


@transaction.atomic
def domain_save(*, actor, domain: Domain, **fields) -> Domain:
    """Add (a domain not yet saved) or change a domain of a draft version, possibly moving it to
    another pole of the same version. Domain codes are unique within the version."""
    require(actor, "framework.manage")
    before = None if domain._state.adding else \
        Domain.objects.select_related("pole__framework").get(pk=domain.pk).pole.framework
    if before is not None:
        _editable(before)
    for name, value in fields.items():
        setattr(domain, name, value)
    framework = domain.pole.framework
    _editable(framework)
    if before is not None and framework.pk != before.pk:
        raise ValidationError({"pole": _("A domain can only move to a pole of the same version.")})
    if Domain.objects.filter(pole__framework=framework, code=domain.code).exclude(pk=domain.pk).exists():
        raise ValidationError({"code": _("This version already has a domain with the code %(code)s.")
                               % {"code": domain.code}})
    return instance_save(actor=actor, instance=domain)


def domain_add(*, actor, pole: Pole, **fields) -> Domain:
    return domain_save(actor=actor, domain=Domain(pole=pole), **fields)


@transaction.atomic
def scale_save(*, actor, framework: Framework, levels: int, descriptors) -> list[LevelDescriptor]:
    """Save the whole scale of a draft at once: its number of levels and what each level means.

    ``descriptors`` maps a level to (French text, Arabic text). Every level from 1 to ``levels``
    needs a French text; a text for a level outside the scale is refused, as is a scale that
    would leave a competency's own descriptor outside it. Nothing is saved unless all is right.
    """
    require(actor, "framework.manage")
    _editable(framework)
    texts = {int(level): (fr.strip(), (ar or "").strip()) for level, (fr, ar) in descriptors.items()
             if (fr or "").strip() or (ar or "").strip()}
    errors = {}
    if not isinstance(levels, int) or not 2 <= levels <= 6:
        errors["levels"] = _("A scale has 2 to 6 levels.")
    else:
        for level in range(1, levels + 1):
            if not texts.get(level, ("", ""))[0]:
                errors[f"text_fr_{level}"] = _("Level %(level)s: the French description is required.") % {
                    "level": level}
        for level in sorted(set(texts) - set(range(1, levels + 1))):
            errors[f"text_fr_{level}"] = _("Level %(level)s is outside the scale (1 to %(max)s): leave it empty "
                                           "or add levels.") % {"level": level, "max": levels}
        beyond = sorted(set(framework.descriptors.filter(competency__isnull=False, level__gt=levels)
                            .values_list("competency__code", flat=True)))
        if beyond:
            errors["levels"] = _("These competencies describe levels beyond %(max)s: %(codes)s.") % {
                "max": levels, "codes": ", ".join(beyond)}
    if errors:
        raise ValidationError(errors)
    framework.levels = levels
    instance_save(actor=actor, instance=framework)
    existing = {d.level: d for d in framework.descriptors.filter(competency__isnull=True)}
    saved = []
    for level in range(1, levels + 1):
        descriptor = existing.pop(level, None) or LevelDescriptor(framework=framework, level=level)
        descriptor.text_fr, descriptor.text_ar = texts[level]
        saved.append(instance_save(actor=actor, instance=descriptor))
    for descriptor in existing.values():  # levels the scale no longer has
        audit_record(actor=actor, action=AuditEntry.Action.DELETE, target=descriptor, changes={})
        descriptor.delete()
    return saved


@transaction.atomic
def competency_save(*, actor, competency: Competency, **fields) -> Competency:
    """Add (a competency not yet saved) or change a competency of a draft version."""
    require(actor, "framework.manage")
    for name, value in fields.items():
        setattr(competency, name, value)
    competency.framework = competency.domain.pole.framework
    _editable(competency.framework)
    return instance_save(actor=actor, instance=competency)


# ---------------------------------------------------------------------------
# Assessments and results


def published_framework():
    framework = Framework.objects.filter(status=Framework.Status.PUBLISHED).first()
    if framework is None:
        raise ValidationError(_("No competency framework is published yet."))
    return framework


@transaction.atomic
def assessment_create(*, actor, group, kind, date, competencies=None) -> Assessment:
    """A diagnostic, periodic or end-of-stage assessment of ``group``, under the published framework.

    ``competencies`` defaults to every competency of the framework; one group has at most one
    assessment of a kind on a day.
    """
    require(actor, "assessment.record", group)
    framework = published_framework()
    if date and date > timezone.localdate():
        raise ValidationError({"date": _("An assessment cannot be dated in the future.")})
    if Assessment.objects.filter(group=group, kind=kind, date=date).exists():
        raise ValidationError({"date": _("This group already has an assessment of this kind on this day.")})
    chosen = list(framework.competencies.all()) if competencies is None else list(competencies)
    if not chosen:
        raise ValidationError({"competencies": _("Choose at least one competency.")})
    if any(c.framework_id != framework.pk for c in chosen):
        raise ValidationError({"competencies": _("Choose competencies of the published framework.")})
    assessment = Assessment(group=group, kind=kind, date=date, framework=framework, center_id=group.center_id,
                            assessed_by=actor if getattr(actor, "is_authenticated", False) else None)
    return instance_save(actor=actor, instance=assessment, m2m={"competencies": chosen})


def _parse(value):
    """A cell as sent: "" or None (nothing entered), "absent", or a level."""
    if value in (None, ""):
        return None
    if value == ABSENT or value is True:
        return ABSENT
    try:
        return int(value)
    except (TypeError, ValueError):
        return value  # refused below, with the cell named


def _cell_errors(assessment, cells, expected, competencies):
    """Every problem of the grid, each naming the learner and the competency."""
    scale = assessment.framework.levels
    strangers = sorted({learner for learner, _c in cells} - expected)
    problems = [(learner, competency, value) for (learner, competency), value in cells.items()
                if learner in expected and competency in competencies and value is not None and value != ABSENT
                and not (isinstance(value, int) and 1 <= value <= scale)]
    unknown = sorted({c for _l, c in cells} - set(competencies))
    if not (strangers or problems or unknown):
        return []
    # an id out of the keys' range names no one (and the database would fail on it): it is shown as sent
    names = {learner.pk: learner.full_name for learner in
             Learner._base_manager.filter(pk__in=[pk for pk in strangers + [p[0] for p in problems] if is_id(pk)])}
    day = date_format(assessment.date, "SHORT_DATE_FORMAT")
    errors = [_("%(learner)s is not in this group on %(date)s.") % {"learner": names.get(pk, pk), "date": day}
              for pk in strangers]
    errors += [_("%(learner)s, %(competency)s: level %(level)s is outside the scale (1 to %(max)s).") % {
        "learner": names[learner], "competency": f"{competencies[competency].code} · {competencies[competency].name}",
        "level": value, "max": scale}
        for learner, competency, value in problems]
    errors += [_("Competency %(id)s is not assessed in this assessment.") % {"id": pk} for pk in unknown]
    return errors


@transaction.atomic
def results_save(*, actor, assessment: Assessment, cells) -> dict:
    """Save the grid of an assessment: ``cells`` maps (learner id, competency id) to a level,
    "absent" or None (nothing entered: an earlier value is removed).

    Everything is checked first (learners placed in the group on the assessment date,
    competencies of the assessment, levels within the framework's scale): any problem refuses
    the whole grid. The number of queries does not depend on the size of the group.
    """
    require(actor, "assessment.record", assessment.group)
    cells = {(int(learner), int(competency)): _parse(value) for (learner, competency), value in cells.items()}
    expected = expected_learner_ids(group=assessment.group, day=assessment.date)
    competencies = {c.pk: c for c in assessment.competencies.all()}
    errors = _cell_errors(assessment, cells, expected, competencies)
    if errors:
        raise ValidationError({"results": errors})
    existing = {(r.learner_id, r.competency_id): r for r in assessment.results.all()}
    created, updated, removed = [], [], []
    for key, value in cells.items():
        level, absent = (None, True) if value == ABSENT else (value, False)
        result = existing.get(key)
        if value is None:
            if result is not None:
                removed.append(result.pk)
        elif result is None:
            created.append(Result(assessment=assessment, learner_id=key[0], competency_id=key[1], level=level,
                                  absent=absent))
        elif (result.level, result.absent) != (level, absent):
            result.level, result.absent = level, absent
            updated.append(result)
    Result.objects.bulk_create(created)
    Result.objects.bulk_update(updated, ["level", "absent"])
    if removed:
        Result.objects.filter(pk__in=removed).delete()
    counts = {"created": len(created), "updated": len(updated), "removed": len(removed)}
    if any(counts.values()):
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=assessment, changes={"results": counts})
    return counts


# ---------------------------------------------------------------------------
# Remediation


@transaction.atomic
def remediation_group_create(*, actor, center, name, competencies, learners, start_date, facilitator=None,
                             group=None) -> RemediationGroup:
    require(actor, "remediation.manage", center)
    competencies, learners = list(competencies), list(learners)
    errors = {}
    if not competencies:
        errors["competencies"] = _("Choose at least one competency.")
    if not learners:
        errors["learners"] = _("Choose at least one learner.")
    elsewhere = [learner.full_name for learner in learners if learner.center_id != center.pk]
    if elsewhere:
        errors["learners"] = _("Not learners of this centre: %(names)s.") % {"names": ", ".join(elsewhere)}
    if errors:
        raise ValidationError(errors)
    remediation = RemediationGroup(center=center, name=name, start_date=start_date, group=group,
                                   facilitator=facilitator or (actor if getattr(actor, "is_authenticated", False)
                                                               else None))
    return instance_save(actor=actor, instance=remediation, m2m={"competencies": competencies, "learners": learners})


@transaction.atomic
def remediation_session_record(*, actor, remediation_group, date, content, attended=(), follow_up="",
                               done=True) -> RemediationSession:
    """A session planned (``done`` False) or held, with who attended and a follow-up note."""
    require(actor, "remediation.manage", remediation_group.center)
    if remediation_group.status == RemediationGroup.Status.CLOSED:
        raise ValidationError(_("This remediation group is closed."))
    attended = list(attended)
    members = set(remediation_group.learners.values_list("pk", flat=True))
    if any(learner.pk not in members for learner in attended):
        raise ValidationError({"attended": _("Only members of the remediation group can attend its sessions.")})
    if not done and attended:
        raise ValidationError({"attended": _("A session not yet held has no attendance.")})
    session = RemediationSession(remediation_group=remediation_group, date=date, content=content,
                                 follow_up=follow_up, done=done)
    return instance_save(actor=actor, instance=session, m2m={"attended": attended})


@transaction.atomic
def remediation_group_close(*, actor, remediation_group) -> RemediationGroup:
    require(actor, "remediation.manage", remediation_group.center)
    remediation_group.status = RemediationGroup.Status.CLOSED
    return instance_save(actor=actor, instance=remediation_group)


# ---------------------------------------------------------------------------
# A group's bulletins in one PDF

BATCH_STALE_AFTER = timedelta(hours=1)  # a batch unfinished this long lost its worker: it is failed


def bulletin_batch_request(*, actor, group, language, until=None) -> BulletinBatch:
    """Ask for the bulletins of the learners placed in ``group`` on ``until`` (today by default) in one PDF,
    made by a task queued once the row is committed. ``group`` is one the actor reads (centers.selectors.
    group_get). While a batch of the group in that language is queued or running, it is the answer: one at
    a time (a batch left unfinished for BATCH_STALE_AFTER is failed, so that a stopped worker blocks nothing)."""
    from forsa.assessments.tasks import bulletin_batch_build

    if language not in BulletinBatch.LANGUAGES:
        raise ValidationError({"language": _("Bulletins are made in French or in Arabic.")})
    until = min(until or timezone.localdate(), timezone.localdate())
    total = len(expected_learners(group=group, day=until))
    if not total:
        raise ValidationError({"group": _("No learner is placed in this group on %(date)s.")
                               % {"date": date_format(until, "SHORT_DATE_FORMAT")}})
    unfinished = BulletinBatch.objects.filter(group=group, language=language,
                                              status__in=[BulletinBatch.Status.QUEUED, BulletinBatch.Status.RUNNING])
    unfinished.filter(created_at__lt=timezone.now() - BATCH_STALE_AFTER).update(
        status=BulletinBatch.Status.FAILED, error="stale", finished_at=timezone.now())
    if running := unfinished.first():
        return running
    try:
        with transaction.atomic():
            batch = BulletinBatch.objects.create(group=group, language=language, until=until, requested_by=actor,
                                                 total=total)
    except IntegrityError:  # another request made it between the two statements
        return unfinished.get()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=batch,
                 changes={"group": group.pk, "language": language, "until": until.isoformat(), "learners": total})
    transaction.on_commit(lambda: bulletin_batch_build.enqueue(batch.pk))
    return batch


def bulletin_batch_build(*, batch: BulletinBatch) -> BulletinBatch:
    """Lay out the bulletins one learner after the other, recording how many are done as it goes, and store
    the PDF. A group the requester no longer reads, or any error, fails the batch (with the reason); the
    page then says so, never a 500."""
    from forsa.assessments.bulletin import bulletins_document
    from forsa.centers.selectors import group_get

    BulletinBatch.objects.filter(pk=batch.pk).update(status=BulletinBatch.Status.RUNNING, done=0)
    try:
        group = group_get(user=batch.requested_by, pk=batch.group_id)
        learners = list(expected_learners(group=group, day=batch.until).values())
        prefetch_related_objects(learners, "center")
        BulletinBatch.objects.filter(pk=batch.pk).update(total=len(learners))
        with translation.override(batch.language):
            document = bulletins_document(
                learners=learners, language=batch.language, until=batch.until,
                progress=lambda done: BulletinBatch.objects.filter(pk=batch.pk).update(done=done))
            content = document.bytes()
        batch.file.save(batch.filename, ContentFile(content), save=False)
        batch.status, batch.done, batch.total = BulletinBatch.Status.DONE, len(learners), len(learners)
        batch.finished_at = timezone.now()
        batch.save(update_fields=["file", "status", "done", "total", "finished_at"])
    except Exception as error:  # the batch says it failed; the log has the traceback
        logger.exception("bulletin batch %s failed", batch.pk)
        batch.refresh_from_db(fields=["done", "total"])
        batch.status, batch.finished_at = BulletinBatch.Status.FAILED, timezone.now()
        batch.error = type(error).__name__[:300]
        batch.save(update_fields=["status", "finished_at", "error"])
    return batch


def bulletin_batch_downloaded(*, actor, batch: BulletinBatch) -> None:
    """Every download is logged, as each learner's bulletin is: who took the bulletins of which group."""
    audit_record(actor=actor, action=AuditEntry.Action.EXPORT, target=batch,
                 changes={"bulletins": batch.language, "group": batch.group_id, "learners": batch.total,
                          "file": batch.filename})
