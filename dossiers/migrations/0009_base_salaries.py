"""Seed the base salary (lương cơ sở) table; administrators add later rows."""

import datetime

from django.db import migrations

ROWS = [
    (1_490_000, datetime.date(2019, 7, 1), "Nghị định số 38/2019/NĐ-CP"),
    (1_800_000, datetime.date(2023, 7, 1), "Nghị định số 24/2023/NĐ-CP"),
    (2_340_000, datetime.date(2024, 7, 1), "Nghị định số 73/2024/NĐ-CP"),
]


def seed(apps, schema_editor):
    BaseSalary = apps.get_model("dossiers", "BaseSalary")
    for amount, effective_from, basis in ROWS:
        BaseSalary.objects.get_or_create(effective_from=effective_from,
                                         defaults={"amount": amount, "legal_basis": basis})


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0008_decisions_central")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
