from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (``manage.py seed_demo``): the top floor, which nothing in the product imports."""

    name = "forsa.demo"
    label = "demo"
