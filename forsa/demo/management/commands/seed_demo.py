import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from forsa.demo.learners import DEFAULT_LEARNERS
from forsa.demo.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Seed the demo: Morocco's territory, public bodies and trades, a national network of "
        "associations and centres, one login per role and --learners learners with their families, "
        "enrolments over two school years, pathways, exits and follow-ups. Deterministic for a given "
        "--seed; running it again creates nothing (learners come only with the network, on the first run)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=1, help="seed of the generated data (default: 1)"
        )
        parser.add_argument(
            "--learners", type=int, default=DEFAULT_LEARNERS, metavar="N",
            help=f"learners to generate with the network (default: {DEFAULT_LEARNERS}; 0 for none). "
                 "Written in bulk, so national scale (500000) takes minutes, not hours.",
        )

    def handle(self, *args, seed, learners, verbosity, **options):
        # The demo users share a published password: never on a production database.
        if not settings.DEBUG:
            raise CommandError("seed_demo runs only with FORSA_DEBUG=1 (demo and development).")
        started = time.monotonic()
        if learners < 0:
            raise CommandError("--learners takes a number of learners, 0 or more.")
        report = seed_demo(seed=seed, learners=learners, progress=verbosity > 0 and sys.stderr.isatty())
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
            ignored = [f"--seed {seed}"] if seed != 1 else []
            ignored += [f"--learners {learners}"] if learners != DEFAULT_LEARNERS else []
            self.stdout.write(self.style.WARNING(
                "The demo network is already seeded: nothing else was created (learners are seeded only "
                "with the network, on the first run; start from an empty database for another number)"
                + (f"; {' and '.join(ignored)} ignored." if ignored else ".")
            ))
        else:
            self.stdout.write(
                f"Created with seed {seed}: {created['partners']} partners, "
                f"{created['associations']} associations, {created['centers']} centres, "
                f"{created['staff']} staff assignments, {created['users']} users with "
                f"{created['memberships']} memberships."
            )
            self._print_learners(report.learners, elapsed)
            self.stdout.write(
                f"Basic skills: {created['results']} assessment results. Conventions: {created['calls']} calls "
                f"for projects, {created['applications']} applications, {created['conventions']} conventions."
            )
            attendance, risk = report.attendance, report.risk
            if attendance.sessions:
                self.stdout.write(
                    f"Attendance: {attendance.sessions} roll calls, {attendance.absences} absences and "
                    f"{attendance.late} late arrivals ({attendance.slipping} learners slipping away now)."
                )
            if risk:
                self.stdout.write(
                    f"Early warning ({report.model}): {risk['scored']} learners scored — {risk['high']} high, "
                    f"{risk['watch']} watch; {risk['alerts_opened']} alerts opened today."
                )
        self.stdout.write(
            f"In the database: {totals['associations']} associations, {totals['centers']} "
            f"centres in {totals['center_regions']} regions, {totals['staff']} staff "
            f"assignments, {totals['partners']} partners, {totals['users']} users, "
            f"{totals['learners']} learners ({totals['enrollments']} enrolments, {totals['exits']} exits, "
            f"{totals['follow_ups']} follow-ups) ({elapsed:.1f} s)."
        )
        self._print_logins(report)

    def _print_learners(self, learners, elapsed):
        if not learners.learners:
            self.stdout.write("No learners (--learners 0).")
            return
        rows = sum(learners.rows.values())
        self.stdout.write(
            f"Learners: {learners.learners} in {learners.groups} groups, {learners.enrollments} enrolments "
            f"({learners.transfers} transfers), {learners.exits} exits, {learners.follow_ups} follow-ups; "
            f"{rows} rows in bulk, without audit entries (generated data) — "
            f"{learners.learners / max(learners.seconds, 0.001):.0f} learners/s."
        )

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
