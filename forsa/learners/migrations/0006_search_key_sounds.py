"""Search keys gain the sound and the consonant skeleton of each name (matching.search_key): a spelling
variant (fatema, Elalaoui) or the other script finds the same learner. Every key is computed again."""

from django.db import migrations, models

from forsa.learners import matching

BATCH = 5000


def recompute(apps, schema_editor):
    Learner = apps.get_model("learners", "Learner")
    learners = Learner.objects.order_by("pk").only("first_name", "last_name", "first_name_ar", "last_name_ar")
    last = 0
    while batch := list(learners.filter(pk__gt=last)[:BATCH]):
        for learner in batch:
            learner.search_key = matching.search_key(learner.first_name, learner.last_name, learner.first_name_ar,
                                                     learner.last_name_ar)
        Learner.objects.bulk_update(batch, ["search_key"])
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("learners", "0005_identifiers_ascii_digits"),
    ]

    operations = [
        migrations.AlterField(
            model_name="learner",
            name="search_key",
            field=models.CharField(default="", editable=False, max_length=1000),
        ),
        migrations.RunPython(recompute, migrations.RunPython.noop, elidable=True),
    ]
