from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "forsa.reporting"
    label = "reporting"
