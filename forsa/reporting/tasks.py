"""Reporting's tasks: building an annual report (django-tasks; the immediate backend in tests and demo)."""

from django_tasks import task

from forsa.reporting import services
from forsa.reporting.models import AnnualReport


@task()
def annual_report_build(report_id: int) -> dict:
    """Tasks take plain values: the report's id. A report already finished is not built again."""
    report = AnnualReport.objects.select_related("requested_by").filter(pk=report_id).first()
    if report is None or report.finished:
        return {"report": report_id, "built": False}
    report = services.annual_report_build(report=report)
    return {"report": report_id, "built": True, "status": report.status}
