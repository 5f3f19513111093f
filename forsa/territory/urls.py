from django.urls import path

from forsa.territory import views

app_name = "territory"
urlpatterns = [
    path("", views.regions, name="regions"),
    path("communes/options/", views.commune_options, name="commune_options"),
    path("province/<str:code>/", views.province, name="province"),
    path("<str:code>/", views.region, name="region"),
]
