from django.apps import AppConfig


class CentersConfig(AppConfig):
    name = "forsa.centers"
    label = "centers"
