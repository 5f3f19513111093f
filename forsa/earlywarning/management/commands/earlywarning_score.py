from datetime import date
from time import perf_counter

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from forsa.earlywarning import services


class Command(BaseCommand):
    help = "Score every enrolled learner (signals, rules, model, levels), open alerts and send the digest."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="Score as on this date (YYYY-MM-DD); today by default.")
        parser.add_argument("--no-digest", action="store_true", help="Do not e-mail the digest of new alerts.")

    def handle(self, *args, as_of=None, no_digest=False, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of: {as_of!r} is not a date (YYYY-MM-DD).") from None
        if day > timezone.localdate():
            raise CommandError("--as-of: the date cannot be in the future.")
        started = perf_counter()
        summary = services.risk_score_all(as_of=day)
        digests = 0 if no_digest else services.alert_digest_send(as_of=day)
        self.stdout.write(
            f"{day}: {summary['scored']} learners scored in {perf_counter() - started:.1f} s — "
            f"{summary['high']} high, {summary['watch']} watch, {summary['low']} low; "
            f"{summary['alerts_opened']} alerts opened, {digests} digests sent; "
            f"model: {summary['model_version'] or 'none (rules only)'}."
        )
