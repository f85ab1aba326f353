"""The national vocabularies of intervention plans (see ``plans.reference``)."""

from django.db import migrations


def seed(apps, schema_editor):
    from localsafety.plans.reference import ensure_plan_reference

    ensure_plan_reference(lambda name: apps.get_model("plans", name))


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
