from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "forsa.accounts"
    label = "accounts"
