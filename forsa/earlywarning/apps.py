from django.apps import AppConfig


class EarlyWarningConfig(AppConfig):
    name = "forsa.earlywarning"
    label = "earlywarning"
