"""Departments (部门) with their aliases, and users' membership in them."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

_KEY_WS = re.compile(r"[\s\u00a0\u3000]+")


def name_key(name: str) -> str:
    """Lookup key for a department name: no spaces, one kind of parentheses."""
    return _KEY_WS.sub("", name).replace("（", "(").replace("）", ")")


class Department(models.Model):
    """部门: a city department, a county/district government, or a group such as 各县区政府."""

    class Kind(models.TextChoices):
        CITY = "city", _("市直部门")
        COUNTY = "county", _("县区政府")
        GROUP = "group", _("部门群组")
        OTHER = "other", _("其他单位")

    name = models.CharField(_("规范名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.CITY)
    active = models.BooleanField(_("启用"), default=True)
    needs_review = models.BooleanField(
        _("待审核"), default=False, help_text=_("导入时新出现的名称，待秘书处确认或并入已有部门")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class DepartmentAlias(models.Model):
    """Another way the same department is written (市住房和城乡建设委 = 市住房城乡建设委)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("别名"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("部门别名")
        verbose_name_plural = _("部门别名")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} → {self.department.name}"


class Membership(models.Model):
    """A user's place in a department; staff see the tasks assigned to their departments."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("部门成员")
        verbose_name_plural = _("部门成员")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department"], name="uniq_membership_user_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.department}"


class Role:
    """Names of the Django groups that carry the product's roles."""

    SECRETARIAT = "secretariat"  # 市政府办公厅（秘书处）
    SUPERVISOR = "supervisor"  # 督查
    DEPARTMENT_STAFF = "department_staff"  # 部门工作人员

    ALL = (SECRETARIAT, SUPERVISOR, DEPARTMENT_STAFF)
    LABELS = {SECRETARIAT: "秘书处", SUPERVISOR: "督查", DEPARTMENT_STAFF: "部门工作人员"}
