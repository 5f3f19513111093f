"""Rebuild every learner's weekly attendance summary from the roll calls (after data were written
outside the services: an import, a restore, the bench)."""

import time

from django.core.management.base import BaseCommand

from forsa.attendance.models import LearnerWeek
from forsa.attendance.summary import summary_rebuild


class Command(BaseCommand):
    help = "Rebuild the weekly attendance summary (LearnerWeek) of every learner from the roll calls."

    def handle(self, *args, **options):
        started = time.perf_counter()
        summary_rebuild()
        self.stdout.write(f"{LearnerWeek.objects.count()} learner-weeks rebuilt in "
                          f"{time.perf_counter() - started:.1f} s")
