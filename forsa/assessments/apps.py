from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "forsa.assessments"
    label = "assessments"

    def ready(self):
        from forsa.assessments.views import learner_file_section
        from forsa.core import sections

        # The learner file (learners, a lower floor) links to the learner's basic skills without knowing assessments.
        sections.register("learners.file", "assessments/learner_section.html", learner_file_section)
