from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """PDF and .xlsx writers: infrastructure any app uses (floor 2, imports only core)."""

    name = "forsa.documents"
    label = "documents"
