from django.urls import path

from forsa.territory import views

app_name = "territory"
urlpatterns = []
