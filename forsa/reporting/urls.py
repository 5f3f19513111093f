from django.urls import path

from forsa.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.home, name="home"),
    path("reporting/", views.dashboard, name="dashboard"),
    path("reporting/indicators/", views.catalogue, name="catalogue"),
    path("reporting/national/", views.national, name="national"),
    path("reporting/regions/<str:code>/", views.region, name="region"),
    path("reporting/provinces/<str:code>/", views.province, name="province"),
    path("reporting/centres/<int:pk>/", views.center, name="center"),
]
