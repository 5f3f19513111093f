from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from forsa.earlywarning import model as statistical_model


def _date(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of {value!r} is not a date (YYYY-MM-DD).", returncode=2) from None


class Command(BaseCommand):
    help = (
        "Train the early-warning model on the programme's history known at --as-of (today by default): "
        "examples at past cut-off dates, labelled by dropping out within the horizon; cross-validated for "
        "the model card; stored with skops as a new version and made the active model. Exit code 2 when the "
        "history is not enough."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", metavar="DATE", help="train on what was known on this day (YYYY-MM-DD)")
        parser.add_argument("--horizon-days", type=int, default=statistical_model.HORIZON_DAYS,
                            help=f"dropping out within this many days after a cut-off "
                                 f"(default {statistical_model.HORIZON_DAYS})")

    def handle(self, *args, as_of=None, horizon_days, **options):
        day = _date(as_of) if as_of else timezone.localdate()
        if day > timezone.localdate():
            raise CommandError(f"--as-of {day} is in the future.", returncode=2)
        if horizon_days < 7:
            raise CommandError("--horizon-days must be 7 or more.", returncode=2)
        try:
            risk_model = statistical_model.train(as_of=day, horizon_days=horizon_days)
        except statistical_model.NotEnoughHistory as error:
            raise CommandError(str(error), returncode=2) from None
        card = risk_model.card
        m = card["metrics"]["model"]
        self.stdout.write(
            f"Risk model v{risk_model.version} trained and active: {card['examples']} examples of "
            f"{card['learners']} learners ({card['positives']} dropped out within {card['horizon_days']} days), "
            f"{risk_model.period_from} to {risk_model.period_to}; cross-validated ROC-AUC {m['roc_auc']:.3f} "
            f"(logistic baseline {card['metrics']['logistic']['roc_auc']:.3f}), PR-AUC {m['pr_auc']:.3f}, "
            f"Brier {m['brier']:.4f}, calibration error {m['calibration_error']:.3f}."
        )
