"""Conventions: calls, applications, reviews, decisions, conventions with their performance,
tranches and reports.

Everything reads through ``forsa.conventions.selectors`` (scoped by ``forsa.core.scoping``) and writes
through ``forsa.conventions.services``:

* an association sees only its own applications and conventions; a region its region's; the
  provinces and centres covered read their conventions; a reviewer sees exactly the applications
  assigned to them; partner viewers see none of it (404);
* performance (enrolment by sex, retention, attendance, positive exits, disbursed, late reports,
  alerts) is computed from the learners' records, for a whole page in a fixed number of queries;
* documents, reports and signed conventions are uploaded as multipart/form-data: PDF, JPEG or PNG by
  content, 5 MB at most;
* the whole workflow is here, as on the pages: calls (created with their grid, opened, closed, decided),
  reviewers assigned, decisions, the convention of a retained application, its draft completed, signed,
  amended, its reports expected and submitted, its tranches planned and released.
"""


from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from forsa.centers.selectors import center_list, trade_list
from forsa.conventions import selectors, services
from forsa.conventions.filters import ConventionFilter
from forsa.conventions.models import ApplicationDocument
from forsa.conventions.schemas import (
    AmendmentIn,
    AmendmentOut,
    ApplicationDetailOut,
    ApplicationIn,
    ApplicationOut,
    CallDetailOut,
    CallIn,
    CallOut,
    ConventionDetailOut,
    ConventionDraftIn,
    ConventionFromApplicationIn,
    ConventionOut,
    ConventionQuery,
    DecisionIn,
    DocumentOut,
    PerformanceOut,
    RankOut,
    ReleaseIn,
    ReportOut,
    ReportPlanIn,
    ReportReviewIn,
    ReviewerIn,
    ReviewOut,
    ScoresIn,
    TrancheOut,
    TranchePlanIn,
    TransitionIn,
)
from forsa.core import scoping
from forsa.core.api import Pagination, fetch, filtered, resolved
from forsa.core.forms import DocumentField
from forsa.core.schemas import Date, ErrorOut, Id, ValidationErrorOut, one_of
from forsa.organizations.selectors import association_list

router = Router(tags=["conventions"])


def _write(schema, created=False):
    return {201 if created else 200: schema, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


# Endpoints ----------------------------------------------------------------------------


@router.get("/calls", response=list[CallOut])
@paginate(Pagination)
def call_list(request):
    """Published calls (drafts for those who run them)."""
    return selectors.call_list(user=request.auth).order_by("-opens_on", "pk")


@router.get("/calls/{call_id}", response={200: CallDetailOut, 404: ErrorOut})
def call_detail(request, call_id: Id):
    return fetch(selectors.call_get, user=request.auth, pk=call_id)


@router.get("/calls/{call_id}/ranking", response={200: list[RankOut], 403: ErrorOut, 404: ErrorOut})
def call_ranking(request, call_id: Id):
    """Submitted applications by the mean of their reviews (the call's owner only)."""
    call = fetch(selectors.call_get, user=request.auth, pk=call_id)
    if not selectors.may_manage_call(user=request.auth, call=call):
        raise PermissionDenied
    return [{"rank": r.rank, "tie": r.tie, "score": r.score, "reviews": r.reviews, "application": r.application}
            for r in selectors.call_ranking(user=request.auth, call=call)]


@router.get("/applications", response=list[ApplicationOut])
@paginate(Pagination)
def application_list(request, call: Id | None = None):
    rows = selectors.application_list(user=request.auth)
    return rows.filter(call=call) if call else rows


@router.get("/applications/{application_id}", response={200: ApplicationDetailOut, 404: ErrorOut})
def application_detail(request, application_id: Id):
    return fetch(selectors.application_get, user=request.auth, pk=application_id)


@router.post("/applications", response=_write(ApplicationDetailOut, created=True))
def application_create(request, payload: ApplicationIn):
    """A draft application of the caller's association (documents are attached on the page)."""
    user = request.auth
    data = resolved(payload.model_dump(), call=selectors.call_list(user=user), association=association_list(user=user),
                    centers=center_list(user=user), trades=(trade_list(user=user), "code"))
    application = services.application_save(actor=user, **data)
    return Status(201, fetch(selectors.application_get, user=request.auth, pk=application.pk))


def _document(file, field):
    """The upload checked as the pages check it (type by content, size), or a 422 naming the field."""
    try:
        return DocumentField(label=field).clean(file)
    except forms.ValidationError as error:
        raise ValidationError({field: error.messages}) from None


@router.post("/applications/{application_id}/documents", response=_write(DocumentOut, created=True))
def application_document_add(request, application_id: Id, kind: Form[one_of(ApplicationDocument.Kind)],
                             file: File[UploadedFile]):
    """Attach a document to a draft."""
    application = fetch(selectors.application_get, user=request.auth, pk=application_id)
    document = services.application_document_add(actor=request.auth, application=application, kind=kind,
                                                 file=_document(file, "file"))
    return Status(201, document)


@router.post("/applications/{application_id}/submit", response=_write(ApplicationDetailOut))
def application_submit(request, application_id: Id):
    application = fetch(selectors.application_get, user=request.auth, pk=application_id)
    services.application_submit(actor=request.auth, application=application)
    return fetch(selectors.application_get, user=request.auth, pk=application_id)


@router.post("/applications/{application_id}/decision", response=_write(ApplicationDetailOut))
def application_decide(request, application_id: Id, payload: DecisionIn):
    application = fetch(selectors.application_get, user=request.auth, pk=application_id)
    services.application_decide(actor=request.auth, application=application, retained=payload.retained,
                                reason=payload.reason)
    return fetch(selectors.application_get, user=request.auth, pk=application_id)


@router.get("/reviews", response=list[ReviewOut])
@paginate(Pagination)
def review_list(request):
    """The reviews assigned to the caller."""
    return selectors.my_reviews(user=request.auth).select_related("reviewer")


@router.put("/reviews/{review_id}", response=_write(ReviewOut))
def review_submit(request, review_id: Id, payload: ScoresIn):
    review = fetch(selectors.review_get, user=request.auth, pk=review_id)
    return services.review_submit(actor=request.auth, review=review, scores=payload.scores, comment=payload.comment)


class PerformancePagination(Pagination):
    """A page of conventions, each with its performance (a fixed number of queries for the page)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        performance = selectors.performance_of(page["items"])
        page["items"] = [performance[c.pk] for c in page["items"]]
        return page


@router.get("/conventions", response={200: list[ConventionOut], 422: ValidationErrorOut})
@paginate(PerformancePagination)
def convention_list(request, filters: Query[ConventionQuery]):
    """National, regional, provincial or association list of conventions, with their performance."""
    return filtered(ConventionFilter, request, selectors.convention_list(user=request.auth), filters)


def _convention(request, convention_id):
    convention = fetch(selectors.convention_get, user=request.auth, pk=convention_id)
    return selectors.performance_of([convention])[convention.pk]


@router.get("/conventions/{convention_id}", response={200: ConventionDetailOut, 404: ErrorOut})
def convention_detail(request, convention_id: Id):
    return _convention(request, convention_id)


@router.get("/conventions/{convention_id}/performance", response={200: PerformanceOut, 404: ErrorOut})
def convention_performance(request, convention_id: Id):
    return _convention(request, convention_id)


@router.post("/conventions/{convention_id}/transition", response=_write(ConventionDetailOut))
def convention_transition(request, convention_id: Id, payload: TransitionIn):
    convention = fetch(selectors.convention_get, user=request.auth, pk=convention_id)
    services.convention_transition(actor=request.auth, convention=convention, to=payload.status,
                                   reason=payload.reason)
    return _convention(request, convention_id)


@router.get("/conventions/{convention_id}/reports", response={200: list[ReportOut], 404: ErrorOut})
def report_list(request, convention_id: Id):
    return fetch(selectors.convention_get, user=request.auth, pk=convention_id).reports.all()


@router.get("/conventions/{convention_id}/tranches", response={200: list[TrancheOut], 404: ErrorOut})
def tranche_list(request, convention_id: Id):
    convention = fetch(selectors.convention_get, user=request.auth, pk=convention_id)
    tranches = list(convention.tranches.all())
    for tranche in tranches:
        tranche.convention = convention
    return tranches


@router.post("/reports/{report_id}/submit", response=_write(ReportOut))
def report_submit(request, report_id: Id, file: File[UploadedFile]):
    """The association sends (or sends again, after a return) its report."""
    report = fetch(selectors.report_get, user=request.auth, pk=report_id)
    return services.report_submit(actor=request.auth, report=report, file=_document(file, "file"))


@router.post("/reports/{report_id}/review", response=_write(ReportOut))
def report_review(request, report_id: Id, payload: ReportReviewIn):
    """Approve a submitted report, or return it with comments."""
    report = fetch(selectors.report_get, user=request.auth, pk=report_id)
    return services.report_review(actor=request.auth, report=report, approved=payload.approved,
                                  comments=payload.comments)


@router.post("/tranches/{tranche_id}/release", response=_write(TrancheOut))
def tranche_release(request, tranche_id: Id, payload: ReleaseIn):
    """Release a tranche: only when the convention is active and its reports are approved (else 422, saying why)."""
    tranche = fetch(selectors.tranche_get, user=request.auth, pk=tranche_id)
    return services.tranche_release(actor=request.auth, tranche=tranche, released_on=payload.released_on,
                                    released_amount=payload.released_amount)


# Writes of those who run calls and conventions ------------------------------------------


def _may(request, permission, obj=None, **anchor):
    """403 before looking at the data sent, as the pages do: the object is in scope, the right is missing."""
    if not scoping.can(request.auth, permission, obj, **anchor):
        raise PermissionDenied


@router.post("/calls", response=_write(CallDetailOut, created=True))
def call_create(request, payload: CallIn):
    """A draft call, with its evaluation grid, on behalf of the Ministry (national admins) or an AREF
    (its regional managers)."""
    owners = selectors.call_owner_choices(user=request.auth)
    if not owners.exists():
        raise PermissionDenied
    data = resolved(payload.model_dump(exclude={"criteria"}), owner=owners)
    call = services.call_create(actor=request.auth, criteria=[
        (c.label, c.weight, c.max_score) for c in payload.criteria], **data)
    return Status(201, fetch(selectors.call_get, user=request.auth, pk=call.pk))


def _call_move(request, call_id, service):
    call = fetch(selectors.call_get, user=request.auth, pk=call_id)
    service(actor=request.auth, call=call)
    return fetch(selectors.call_get, user=request.auth, pk=call_id)


@router.post("/calls/{call_id}/open", response=_write(CallDetailOut))
def call_open(request, call_id: Id):
    """Draft → open: the grid's weights must add up to 100."""
    return _call_move(request, call_id, services.call_open)


@router.post("/calls/{call_id}/close", response=_write(CallDetailOut))
def call_close(request, call_id: Id):
    """Open → closed; the submitted applications go under review."""
    return _call_move(request, call_id, services.call_close)


@router.post("/calls/{call_id}/decide", response=_write(CallDetailOut))
def call_decide(request, call_id: Id):
    """Closed → decided, once every submitted application has its decision."""
    return _call_move(request, call_id, services.call_decide)


@router.post("/applications/{application_id}/reviewers", response=_write(ReviewOut, created=True))
def review_assign(request, application_id: Id, payload: ReviewerIn):
    """The call's owner assigns a reviewer to a submitted application."""
    application = fetch(selectors.application_get, user=request.auth, pk=application_id)
    _may(request, "application.decide", application)
    data = resolved(payload.model_dump(), reviewer=selectors.reviewer_candidates(application=application))
    return Status(201, services.review_assign(actor=request.auth, application=application, **data))


@router.post("/applications/{application_id}/convention", response=_write(ConventionDetailOut, created=True))
def convention_from_application(request, application_id: Id, payload: ConventionFromApplicationIn):
    """The draft convention of a retained application (its association, centres, targets and budget)."""
    application = fetch(selectors.application_get, user=request.auth, pk=application_id)
    _may(request, "convention.manage", region=application.call.region_id, association=application.association_id)
    convention = services.convention_from_application(actor=request.auth, application=application,
                                                      start_date=payload.start_date, end_date=payload.end_date)
    return Status(201, _convention(request, convention.pk))


@router.patch("/conventions/{convention_id}", response=_write(ConventionDetailOut))
def convention_update(request, convention_id: Id, payload: ConventionDraftIn):
    """Complete a draft before its signature (afterwards only an amendment changes it)."""
    convention = fetch(selectors.convention_get, user=request.auth, pk=convention_id)
    _may(request, "convention.manage", convention)
    # Centres in scope; the service says which of them the association does not run.
    data = resolved(payload.model_dump(exclude_unset=True), centers=center_list(user=request.auth))
    data.setdefault("centers", convention.centers.all())
    data.setdefault("fundings", {f.source: f.amount for f in convention.fundings.all()})
    services.convention_update(actor=request.auth, convention=convention, **data)
    return _convention(request, convention_id)


@router.post("/conventions/{convention_id}/sign", response=_write(ConventionDetailOut))
def convention_sign(request, convention_id: Id, signed_on: Form[Date], signed_document: File[UploadedFile]):
    """Draft → signed, with the signed document (PDF, JPEG or PNG by content, 5 MB at most) and its date."""
    convention = fetch(selectors.convention_get, user=request.auth, pk=convention_id)
    _may(request, "convention.manage", convention)
    services.convention_sign(actor=request.auth, convention=convention, signed_on=signed_on,
                             signed_document=_document(signed_document, "signed_document"))
    return _convention(request, convention_id)


@router.get("/conventions/{convention_id}/amendments", response={200: list[AmendmentOut], 404: ErrorOut})
def amendment_list(request, convention_id: Id):
    return fetch(selectors.convention_get, user=request.auth, pk=convention_id).amendments.all()


@router.post("/conventions/{convention_id}/amendments", response=_write(AmendmentOut, created=True))
def amendment_create(request, convention_id: Id, payload: AmendmentIn):
    """A signed amendment: targets, dates and budget lines change together; before/after are kept."""
    convention = fetch(selectors.convention_get, user=request.auth, pk=convention_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"signed_on", "reason", "fundings"})
    amendment = services.amendment_apply(actor=request.auth, convention=convention, signed_on=payload.signed_on,
                                         reason=payload.reason, changes=changes, fundings=payload.fundings)
    return Status(201, amendment)


@router.post("/conventions/{convention_id}/reports", response=_write(ReportOut, created=True))
def report_plan(request, convention_id: Id, payload: ReportPlanIn):
    """A report the association owes (it then submits it, with its file, on ``/reports/{id}/submit``)."""
    convention = fetch(selectors.convention_get, user=request.auth, pk=convention_id)
    return Status(201, services.report_plan(actor=request.auth, convention=convention, **payload.model_dump()))


@router.post("/conventions/{convention_id}/tranches", response=_write(TrancheOut, created=True))
def tranche_plan(request, convention_id: Id, payload: TranchePlanIn):
    """Plan a tranche: its amount, date and the reports to be approved before its release."""
    convention = fetch(selectors.convention_get, user=request.auth, pk=convention_id)
    _may(request, "convention.manage", convention)
    # Reports in scope; the service says which of them are another convention's.
    data = resolved(payload.model_dump(), required_reports=selectors.report_list(user=request.auth))
    data["order"] = data["order"] or len(convention.tranches.all()) + 1
    tranche = services.tranche_plan(actor=request.auth, convention=convention, **data)
    return Status(201, fetch(selectors.tranche_get, user=request.auth, pk=tranche.pk))
