from django.urls import path

from forsa.accounts import views

app_name = "accounts"
urlpatterns = []
