import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from forsa.reporting import services


class Command(BaseCommand):
    help = ("Recompute the roll-ups of the dashboards (every indicator per centre) for the current school "
            "year and the two before it (what dashboards compare), or one school year; run daily, like "
            "earlywarning_score.")

    def add_arguments(self, parser):
        parser.add_argument("--year",
                            help="One school year (e.g. 2026-2027); the current and the two before by default.")
        parser.add_argument("--today", help="The reference day (YYYY-MM-DD); today by default.")

    def handle(self, *args, year=None, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today: {today!r} is not a date (YYYY-MM-DD).") from None
        if year is not None:
            match = re.fullmatch(r"(20\d\d)-(20\d\d)", year)
            if not match or int(match[2]) != int(match[1]) + 1:
                raise CommandError(f"--year: {year!r} is not a school year (e.g. 2026-2027).")
            refreshes = [services.rollups_refresh(school_year=year, today=day)]
        else:
            refreshes = services.rollups_refresh_recent(today=day)
        for refresh in refreshes:
            self.stdout.write(f"{refresh.school_year}: {refresh.rows} cells in {refresh.duration:.1f} s.")
