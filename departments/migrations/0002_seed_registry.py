"""Seed the department registry (canonical names, kinds, aliases) from departments.registry."""

from django.db import migrations

from departments.registry import REGISTRY


def seed(apps, schema_editor):
    Department = apps.get_model("departments", "Department")
    DepartmentAlias = apps.get_model("departments", "DepartmentAlias")
    for name, kind, aliases in REGISTRY:
        dept, _ = Department.objects.get_or_create(name=name, defaults={"kind": kind})
        for alias in aliases:
            DepartmentAlias.objects.get_or_create(name=alias, defaults={"department": dept})


def unseed(apps, schema_editor):
    Department = apps.get_model("departments", "Department")
    Department.objects.filter(name__in=[name for name, _, _ in REGISTRY], assignments__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("departments", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
