from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "forsa.core"
    label = "core"
