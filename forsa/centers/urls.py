from django.urls import path

from forsa.centers import views

app_name = "centers"
urlpatterns = [
    path("", views.center_list, name="list"),
    path("new/", views.center_create, name="create"),
    path("<int:pk>/", views.center_detail, name="detail"),
    path("<int:pk>/edit/", views.center_edit, name="edit"),
]
