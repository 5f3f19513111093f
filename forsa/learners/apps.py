from django.apps import AppConfig


class LearnersConfig(AppConfig):
    name = "forsa.learners"
    label = "learners"
