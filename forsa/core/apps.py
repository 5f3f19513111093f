from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "forsa.core"
    label = "core"

    def ready(self):
        from forsa.core import checks  # noqa: F401  (registers the deployment checks)
