from django.apps import AppConfig


class EarlyWarningConfig(AppConfig):
    name = "forsa.earlywarning"
    label = "earlywarning"

    def ready(self):
        from forsa.core import sections
        from forsa.earlywarning.views import learner_file_section

        sections.register("learners.file", "earlywarning/learner_section.html", learner_file_section)
