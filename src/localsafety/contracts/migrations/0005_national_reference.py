"""The four national axes and the Interministerial Commission, present in every database."""

from django.db import migrations

from localsafety.contracts.reference import ensure_national_reference


def add_national_reference(apps, schema_editor):
    ensure_national_reference(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0004_contract_owned_records"),
    ]

    operations = [
        # Reversing keeps the rows: contracts may refer to them.
        migrations.RunPython(add_national_reference, migrations.RunPython.noop),
    ]
