from django.urls import path

from forsa.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.association_list, name="list"),
    path("<int:pk>/", views.association_detail, name="detail"),
]
