from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "forsa.attendance"
    label = "attendance"

    def ready(self):
        from forsa.attendance.views import learner_file_section
        from forsa.core import sections

        # The learner file (learners, a lower floor) shows this month's attendance without importing attendance.
        sections.register("learners.file", "attendance/learner_section.html", learner_file_section)
