"""Fixtures for the job tests: department staff."""

import itertools

import pytest
from factories import DepartmentFactory, MembershipFactory

from departments.models import Department

_names = itertools.count(1)


@pytest.fixture
def staff(django_user_model):
    """staff(department, email=True) -> a user who is a member of ``department``."""

    def make(department, *, email: bool = True, username: str | None = None, **extra):
        name = username or f"staff{next(_names)}"
        user = django_user_model.objects.create_user(
            name, email=f"{name}@example.gov.cn" if email else "", **extra
        )
        MembershipFactory(user=user, department=department)
        return user

    return make


@pytest.fixture
def department():
    """department() -> a new department; department(name=…) -> that (seeded) department."""

    def get(name: str | None = None) -> Department:
        if name is None:
            return DepartmentFactory()
        return Department.objects.get_or_create(name=name)[0]

    return get
