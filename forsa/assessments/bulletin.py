"""A learner's progress report (bulletin) as a PDF, in French or in Arabic, for the learner and
their guardian: identity, centre and group, per pole and competency the level at the diagnostic and
at the latest assessment (absences shown as such), the scale, the remediation followed.

Build it under ``translation.override(language)``: the strings are translated here, the document
(``forsa.documents.pdf``) only lays them out.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from forsa.assessments import selectors
from forsa.audit.models import AuditEntry
from forsa.audit.services import audit_record


def _level(value):
    if value is None:
        return "—"
    return _("absent") if value == "absent" else str(value)


def _at(row, columns, kinds):
    """The value of ``row`` at the first column of one of ``kinds`` (diagnostic) or the last one with a value."""
    if kinds:
        return next((v for v, c in zip(row.cells, columns, strict=True) if c.kind in kinds and v is not None), None)
    return next((v for v in reversed(row.cells) if v is not None), None)


def bulletin_document(*, learner, language, until=None):
    """One learner's bulletin."""
    return bulletins_document(learners=[learner], language=language, until=until)


def bulletins_document(*, learners, language, until=None, progress=None):
    """The bulletins of ``learners`` in one document, in their order, each starting on a new page.
    ``progress(done)`` is called after each learner's bulletin is laid out (a task records how far it is)."""
    from forsa.documents.pdf import Document

    until = until or timezone.localdate()
    document = Document(title=_("Progress report in basic skills"),
                        subtitle=_("Second-chance school – new generation · as of %(date)s")
                        % {"date": date_format(until, "j F Y")}, language=language)
    for done, learner in enumerate(learners, start=1):
        if done > 1:
            document.new_part()
        _bulletin(document, learner=learner, until=until)
        if progress is not None:
            progress(done)
    return document


def _bulletin(document, *, learner, until):
    """One learner's bulletin, laid out in ``document`` from where it stands."""
    language = document.language
    progress = selectors.learner_progress(learner=learner, until=until)
    columns = progress["columns"]
    latin = f"{learner.first_name} {learner.last_name}".strip()
    names = [latin, learner.full_name_ar] if language != "ar" else [learner.full_name_ar, latin]
    groups = sorted({a.group.name for a in columns})
    comma = "، " if language == "ar" else ", "
    document.fields([
        (_("Learner"), " · ".join(name for name in names if name)),
        (_("Birth date"), date_format(learner.birth_date, "SHORT_DATE_FORMAT")),
        (_("Centre"), learner.center.name if learner.center else "—"),
        (_("Group"), comma.join(groups) or "—"),
        (_("Assessments"), comma.join(f"{a.get_kind_display()} {date_format(a.date, 'SHORT_DATE_FORMAT')}"
                                     for a in columns) or "—"),
    ])
    if not progress["rows"]:
        document.paragraph(_("No assessment result yet."))
    pole = None
    rows = []
    for row in progress["rows"]:
        if row.pole != pole:
            if rows:
                _pole_table(document, rows)
            pole, rows = row.pole, []
            document.heading(pole.name)
        first = _at(row, columns, {"diagnostic"})
        latest = _at(row, columns, None)
        rows.append([row.competency.name, row.competency.get_reference_level_display(), _level(first),
                     _level(latest)])
    if rows:
        _pole_table(document, rows)
    framework = columns[-1].framework if columns else selectors.framework_published()
    if framework:
        document.heading(_("Levels"))
        for descriptor in selectors.scale_of(framework):
            document.paragraph(f"{descriptor.level} · {descriptor.text}", small=True)
        document.paragraph(_("Absent: the learner was absent at the assessment (this is not a level)."), small=True)
    if progress["remediation"]:
        document.heading(_("Remediation followed"))
        for group in progress["remediation"]:
            document.paragraph(_("%(name)s, from %(date)s: %(competencies)s") % {
                "name": group.name, "date": date_format(group.start_date, "SHORT_DATE_FORMAT"),
                "competencies": comma.join(c.name for c in group.competencies.all())})


def _pole_table(document, rows):
    document.table([_("Competency"), _("Reference level"), _("Diagnostic"), _("Latest assessment")], rows,
                   widths=[0.52, 0.18, 0.15, 0.15])


def bulletin_response(*, actor, learner, language, until=None):
    from forsa.documents.pdf import pdf_response

    document = bulletin_document(learner=learner, language=language, until=until)
    audit_record(actor=actor, action=AuditEntry.Action.EXPORT, target=learner, changes={"bulletin": language})
    return pdf_response(document, f"bulletin-{learner.pk}-{language}.pdf")
