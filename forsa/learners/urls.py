from django.urls import path

from forsa.learners import views

app_name = "learners"
urlpatterns = [
    path("", views.learner_list, name="list"),
    path("new/", views.learner_create, name="create"),
    path("groups/options/", views.group_options, name="group_options"),
    path("transfer-in/<str:reference>/", views.learner_transfer_in, name="transfer_in"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("follow-ups/<int:pk>/", views.follow_up_record, name="follow_up"),
    path("<int:pk>/", views.learner_detail, name="detail"),
    path("<int:pk>/edit/", views.learner_edit, name="edit"),
    path("<int:pk>/transfer/", views.learner_transfer, name="transfer"),
    path("<int:pk>/exit/", views.learner_exit, name="exit"),
    path("<int:pk>/enroll/", views.learner_enroll, name="enroll"),
    path("<int:pk>/access-log/", views.learner_access_log, name="access_log"),
    path("<int:pk>/stage/", views.stage_advance, name="stage"),
    path("<int:pk>/track/", views.track_start, name="track"),
    path("<int:pk>/group/", views.group_place, name="group"),
    path("<int:pk>/plan/", views.plan_edit, name="plan"),
    path("<int:pk>/plan/review/", views.plan_review, name="plan_review"),
    path("<int:pk>/guardians/new/", views.guardian_add, name="guardian_add"),
    path("<int:pk>/consents/new/", views.consent_add, name="consent_add"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/consents/<int:consent_pk>/document/", views.consent_document, name="consent_document"),
]
