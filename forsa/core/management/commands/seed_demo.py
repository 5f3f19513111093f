import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from forsa.core.demo import seed_demo


class Command(BaseCommand):
    help = (
        "Seed the demo: Morocco's territory, public bodies and trades, a national network of "
        "associations and centres, and one login per role. Deterministic for a given --seed; "
        "running it again creates nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=1, help="seed of the generated data (default: 1)"
        )

    def handle(self, *args, seed, verbosity, **options):
        # The demo users share a published password: never on a production database.
        if not settings.DEBUG:
            raise CommandError("seed_demo runs only with FORSA_DEBUG=1 (demo and development).")
        started = time.monotonic()
        report = seed_demo(seed=seed, progress=verbosity > 0 and sys.stderr.isatty())
        elapsed = time.monotonic() - started
        if verbosity == 0:
            return
        created, totals = report.created, report.totals
        self.stdout.write(
            f"Territory: {totals['regions']} regions, {totals['provinces']} provinces, "
            f"{totals['communes']} communes ({created['communes']} communes created)."
        )
        self.stdout.write(
            f"Public bodies: {totals['ministry']} central directorate, {totals['arefs']} AREFs, "
            f"{totals['provincial_directorates']} provincial directorates "
            f"({created['public_bodies']} created). Trades: {totals['trades']} "
            f"({created['trades']} created)."
        )
        if report.already_seeded:
            self.stdout.write(self.style.WARNING(
                "The demo network is already seeded: nothing else was created"
                + (f" (--seed {seed} ignored)." if seed != 1 else ".")
            ))
        else:
            self.stdout.write(
                f"Created with seed {seed}: {created['partners']} partners, "
                f"{created['associations']} associations, {created['centers']} centres, "
                f"{created['staff']} staff assignments, {created['users']} users with "
                f"{created['memberships']} memberships."
            )
        self.stdout.write(
            f"In the database: {totals['associations']} associations, {totals['centers']} "
            f"centres in {totals['center_regions']} regions, {totals['staff']} staff "
            f"assignments, {totals['partners']} partners, {totals['users']} users "
            f"({elapsed:.1f} s)."
        )
        self._print_logins(report)

    def _print_logins(self, report):
        rows = [("role", "e-mail", "scope")]
        rows += [(login.role, login.email, login.scope) for login in report.logins]
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins"))
        for index, (role, email, scope) in enumerate(rows):
            line = f"  {role:<{widths[0]}}  {email:<{widths[1]}}  {scope}"
            self.stdout.write(self.style.MIGRATE_LABEL(line) if index == 0 else line)
        self.stdout.write(f"\nPassword for every demo login: {report.password}")
        self.stdout.write(f"Open {report.url} and sign in.")
