from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "forsa.attendance"
    label = "attendance"

    def ready(self):
        from forsa.attendance.summary import placements_changed_received
        from forsa.attendance.views import learner_file_section
        from forsa.core import sections
        from forsa.learners.signals import placements_changed

        # The learner file (learners, a lower floor) shows this month's attendance without importing attendance.
        sections.register("learners.file", "attendance/learner_section.html", learner_file_section)
        # A change of placements changes the roll calls a learner is expected at: their summary follows.
        placements_changed.connect(placements_changed_received, dispatch_uid="attendance.summary")
