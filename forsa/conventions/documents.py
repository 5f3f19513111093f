"""The PDF summary of a convention (in French, Arabic or English) and the Excel list of conventions.

Both lay out what the selectors computed; the layout itself is forsa.documents'.
"""

from functools import partial

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from forsa.audit.services import export_record
from forsa.conventions import selectors
from forsa.conventions.models import Convention
from forsa.documents.pdf import Document, pdf_response
from forsa.documents.xlsx import xlsx_response

EXPORT_LIMIT = 5000  # a national list is a few hundred conventions


def _money(value):
    return formats.number_format(value or 0, decimal_pos=0, use_l10n=True, force_grouping=True)


def _rate(value):
    return "—" if value is None else f"{formats.number_format(value, decimal_pos=1)} %"


def _date(value):
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def _alert_labels(alerts):
    labels = {selectors.Alert.OVERDUE_REPORTS: _("reports overdue"),
              selectors.Alert.UNDER_ENROLMENT: _("under-enrolment")}
    return ", ".join(str(labels[a]) for a in alerts)


def convention_summary(*, convention, language):
    """Parties, centres, budget, targets against measured performance, tranches, reports and amendments."""
    today = timezone.localdate()
    with translation.override(language):
        perf = selectors.performance_of([convention], today=today)[convention.pk]
        association = convention.association.display_name
        document = Document(title=_("Partnership convention %(number)s") % {"number": convention.number},
                            subtitle=_("Summary at %(date)s") % {"date": _date(today)}, language=language)
        document.heading(_("Parties"))
        document.fields([
            (_("Public party"), convention.party.name), (_("Association"), association),
            (_("Status"), convention.get_status_display()), (_("Signature date"), _date(convention.signed_on)),
            (_("Period"), f"{_date(convention.start_date)} – {_date(convention.end_date)}"),
            (_("Year of the convention"), convention.renewal_year),
            (_("Centres covered"), ", ".join(f"{c.code} {c.name}" for c in convention.centers.all())),
        ])
        document.heading(_("Budget"))
        document.table([_("Funding source"), _("Amount (MAD)")],
                       [(f.get_source_display(), _money(f.amount)) for f in convention.fundings.all()]
                       + [(_("Total"), _money(perf.budget))], widths=[0.6, 0.4])
        document.heading(_("Targets and performance"))
        document.table(
            [_("Measure"), _("Target"), _("Measured")],
            [(_("Learners enrolled"), convention.target_total, perf.enrolled),
             (_("of whom girls"), convention.target_girls, perf.enrolled_girls),
             (_("of whom boys"), convention.target_boys, perf.enrolled_boys),
             (_("Retention"), _rate(convention.target_retention), _rate(perf.retention)),
             (_("Attendance"), "—", _rate(perf.attendance)),
             (_("Positive exits"), _rate(convention.target_positive_exits), _rate(perf.positive_exit_rate)),
             (_("Disbursed"), _money(perf.planned), _money(perf.disbursed))],
            widths=[0.5, 0.25, 0.25])
        if perf.alerts:
            document.paragraph(_("Alerts: %(alerts)s.") % {"alerts": _alert_labels(perf.alerts)})
        document.heading(_("Tranches"))
        document.table([_("Tranche"), _("Planned date"), _("Planned (MAD)"), _("Status"), _("Released (MAD)")],
                       [(t.order, _date(t.planned_on), _money(t.planned_amount), t.get_status_display(),
                         _money(t.released_amount) if t.released_amount is not None else "—")
                        for t in convention.tranches.all()], widths=[0.12, 0.2, 0.22, 0.22, 0.24])
        document.heading(_("Reports"))
        document.table([_("Report"), _("Period"), _("Due on"), _("Status")],
                       [(r.get_kind_display(), r.period, _date(r.due_on), r.get_status_display())
                        for r in convention.reports.all()], widths=[0.3, 0.25, 0.2, 0.25])
        amendments = list(convention.amendments.all())
        if amendments:
            document.heading(_("Amendments"))
            document.table([_("Amendment"), _("Signature date"), _("Reason"), _("Changes")],
                           [(a.number, _date(a.signed_on), a.reason, "; ".join(
                               _("%(what)s: from %(before)s to %(after)s") % {
                                   "what": label, "before": before, "after": after}
                               for label, before, after in a.change_rows))
                            for a in amendments], widths=[0.12, 0.18, 0.3, 0.4])
        if convention.obligations:
            document.heading(_("Obligations of the parties"))
            document.paragraph(convention.obligations)
        filename = f"convention-{convention.number.replace('/', '-')}-{language}.pdf"
    return pdf_response(document, filename)


def convention_workbook(*, actor, conventions, filters):
    """The list as filtered, with the performance figures of every row (computed page by page)."""
    rows = list(conventions[:EXPORT_LIMIT])
    performance = selectors.performance_of(rows)
    columns = [_("Number"), _("Region"), _("Public party"), _("Association"), _("Status"), _("Start date"),
               _("End date"), _("Year of the convention"), _("Target learners"), _("Enrolled"), _("Girls enrolled"),
               _("Retention (%)"), _("Attendance (%)"), _("Positive exits (%)"), _("Budget (MAD)"),
               _("Planned tranches (MAD)"), _("Disbursed (MAD)"), _("Reports late"), _("Alerts")]
    lines = []
    for convention in rows:
        perf = performance[convention.pk]
        lines.append([
            convention.number, convention.region.name, convention.party.name, convention.association.name,
            convention.get_status_display(), convention.start_date, convention.end_date, convention.renewal_year,
            convention.target_total, perf.enrolled, perf.enrolled_girls, perf.retention, perf.attendance,
            perf.positive_exit_rate, perf.budget, perf.planned, perf.disbursed, perf.reports_late,
            _alert_labels(perf.alerts)])
    return xlsx_response(filename="conventions.xlsx", sheet=str(_("Conventions")),
                         columns=[str(c) for c in columns], rows=lines,
                         record=partial(export_record, actor=actor, model=Convention, filters=filters))
