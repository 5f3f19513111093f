from django.urls import path

from forsa.organizations import views

app_name = "organizations"
urlpatterns = []
