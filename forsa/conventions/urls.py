from django.urls import path

from forsa.conventions import views

app_name = "conventions"
urlpatterns = [
    path("", views.convention_list, name="list"),
    path("export.xlsx", views.convention_export, name="export"),
    path("<int:pk>/", views.convention_detail, name="detail"),
    path("<int:pk>/summary.pdf", views.convention_pdf, name="pdf"),
    path("<int:pk>/signed/", views.convention_signed_document, name="signed_document"),
    path("<int:pk>/edit/", views.convention_edit, name="edit"),
    path("<int:pk>/sign/", views.convention_sign, name="sign"),
    path("<int:pk>/status/", views.convention_status, name="status"),
    path("<int:pk>/amend/", views.amendment_create, name="amend"),
    path("<int:pk>/reports/new/", views.report_plan, name="report_plan"),
    path("<int:pk>/tranches/new/", views.tranche_plan, name="tranche_plan"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:pk>/file/", views.report_file, name="report_file"),
    path("tranches/<int:pk>/release/", views.tranche_release, name="tranche_release"),
    path("calls/", views.call_list, name="calls"),
    path("calls/new/", views.call_create, name="call_create"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/status/", views.call_status, name="call_status"),
    path("calls/<int:pk>/ranking/", views.call_ranking, name="ranking"),
    path("calls/<int:pk>/apply/", views.application_create, name="apply"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/documents/", views.application_document_add, name="document_add"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/reviewers/", views.review_assign, name="review_assign"),
    path("applications/<int:pk>/decide/", views.application_decide, name="decide"),
    path("applications/<int:pk>/convention/", views.convention_from_application, name="from_application"),
    path("documents/<int:pk>/", views.application_document, name="document"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<int:pk>/", views.review_edit, name="review"),
]
