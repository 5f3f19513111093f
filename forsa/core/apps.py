from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "forsa.core"
    label = "core"

    def ready(self):
        from forsa.core import checks  # noqa: F401  (registers the deployment and scoping checks)
        from forsa.core.scoping import load_rules

        load_rules()  # every installed app is ready: each scoped model's scope_rule is gathered
