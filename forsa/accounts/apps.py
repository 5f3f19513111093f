from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "forsa.accounts"
    label = "accounts"

    def ready(self):
        from forsa.accounts import throttling  # noqa: F401 (connects the lockout's audit receiver)
