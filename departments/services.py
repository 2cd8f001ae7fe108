"""Writes on the department registry: resolving written names, merging a name into a department."""

from __future__ import annotations

import re

from django.db import transaction

from .models import Department, DepartmentAlias, name_key
from .signals import department_merging

_GROUP_RE = re.compile(
    r"^(?:各|有关|相关|市有关|市相关|市政府有关|市政府相关|各有关|各相关|各级|县级)|[、]"
)
_COUNTY_RE = re.compile(r"(?:县|区|县级市|市辖区)(?:人民)?政府$")


def guess_kind(name: str) -> str:
    if _GROUP_RE.search(name):
        return Department.Kind.GROUP
    if _COUNTY_RE.search(name):
        return Department.Kind.COUNTY
    if name.startswith("市"):
        return Department.Kind.CITY
    return Department.Kind.OTHER


class DepartmentResolver:
    """Maps names as written to registry departments, creating unknown ones for review.

    Loads the registry once (two queries), so an import resolves hundreds of names cheaply.
    """

    def __init__(self) -> None:
        self._by_key: dict[str, Department] = {}
        for dept in Department.objects.all():
            self._by_key[name_key(dept.name)] = dept
        for alias in DepartmentAlias.objects.select_related("department"):
            self._by_key.setdefault(name_key(alias.name), alias.department)
        self.created: list[Department] = []

    def resolve(self, name: str) -> Department:
        key = name_key(name)
        dept = self._by_key.get(key)
        if dept is None:
            dept, made = Department.objects.get_or_create(
                name=name.strip(), defaults={"kind": guess_kind(name), "needs_review": True}
            )
            if made:
                self.created.append(dept)
            self._by_key[key] = dept
        return dept

    def find(self, name: str) -> Department | None:
        return self._by_key.get(name_key(name))


@transaction.atomic
def merge_department(source: Department, target: Department) -> Department:
    """Fold ``source`` into ``target``: its name and aliases become aliases of target.

    Each app moves its own rows on ``department_merging`` (tasks: assignments, of which a task
    already assigned to target keeps target's; progress reports; disclosure: catalogue items).
    """
    if source.pk == target.pk:
        raise ValueError("不能将部门并入其自身")
    department_merging.send(sender=Department, source=source, target=target)
    source.memberships.exclude(user__memberships__department=target).update(department=target)
    DepartmentAlias.objects.filter(department=source).update(department=target)
    name = source.name
    source.delete()
    DepartmentAlias.objects.get_or_create(name=name, defaults={"department": target})
    return target
