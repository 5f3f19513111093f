"""On PostgreSQL, a trigram index makes name search (LIKE '%word%') fast at national scale.

SQLite has no such index; the query and its results are the same on both engines.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS learner_search_trgm ON learners_learner USING gin (search_key gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS learner_search_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("learners", "0001_initial")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
