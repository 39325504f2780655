"""Create the role groups, so that every installation has them from the start."""

from django.db import migrations

ROLES = [
    "unit_clerk", "unit_head", "ha_specialist", "ha_lead", "council_secretary", "council_member",
    "council_chair", "signer", "central_liaison", "auditor", "administrator",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
