from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "forsa.attendance"
    label = "attendance"
