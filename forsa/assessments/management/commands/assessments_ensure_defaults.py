from django.core.management.base import BaseCommand

from forsa.assessments.services import framework_ensure_default


class Command(BaseCommand):
    help = "Create and publish the default competency framework when there is none (idempotent)."

    def handle(self, *args, **options):
        created = framework_ensure_default(actor=None)
        self.stdout.write(f"Default framework: {created} competencies created." if created
                          else "A framework already exists: nothing done.")
