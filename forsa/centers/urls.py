from django.urls import path

from forsa.centers import views

app_name = "centers"
urlpatterns = []
