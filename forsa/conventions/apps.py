from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "forsa.conventions"
    label = "conventions"
