from django.urls import path

from forsa.attendance import views

app_name = "attendance"
urlpatterns = [
    path("", views.my_groups, name="mine"),
    path("overview/", views.overview, name="overview"),
    path("rules/", views.national_rules, name="rules"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/roll/", views.roll_call, name="roll"),
    path("centers/<int:pk>/", views.center_detail, name="center"),
    path("centers/<int:pk>/rules/", views.center_rules, name="center_rules"),
]
