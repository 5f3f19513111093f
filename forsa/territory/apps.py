from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "forsa.territory"
    label = "territory"
