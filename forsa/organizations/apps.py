from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "forsa.organizations"
    label = "organizations"
