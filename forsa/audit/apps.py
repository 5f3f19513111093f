from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "forsa.audit"
    label = "audit"
