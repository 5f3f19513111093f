from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "forsa.assessments"
    label = "assessments"
