from django.core.management.base import BaseCommand

from forsa.territory.services import territory_load


class Command(BaseCommand):
    help = "Load or refresh Morocco's regions, provinces and communes (idempotent)."

    def handle(self, *args, **options):
        created = territory_load()
        self.stdout.write(
            "Territory loaded: {regions} regions, {provinces} provinces, {communes} communes created.".format(**created)
        )
