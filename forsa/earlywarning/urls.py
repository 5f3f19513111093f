from django.urls import path

from forsa.earlywarning import views

app_name = "earlywarning"
urlpatterns = [
    path("", views.risk_list, name="list"),
    path("effect/", views.effect, name="effect"),
    path("model/", views.model_card, name="model"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("centers/<int:pk>/thresholds/", views.center_thresholds, name="center_thresholds"),
    path("learners/<int:pk>/", views.learner_risk, name="learner"),
    path("learners/<int:pk>/interventions/", views.intervention_add, name="intervention_add"),
    path("alerts/<int:pk>/assign/", views.alert_assign, name="alert_assign"),
    path("alerts/<int:pk>/close/", views.alert_close, name="alert_close"),
]
