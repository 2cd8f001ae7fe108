"""Helpers shared by the staff page and browser tests: small valid files, users per role."""

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from departments.models import Department, Membership

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
    + b"\x00" * 40
)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def make_user(django_user_model, username, *, groups=(), departments=(), active=True, pw=None):
    user = django_user_model.objects.create_user(
        username, password=pw or "pw-" + username, is_active=active, first_name=username
    )
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    for name in departments:
        # get_or_create: a transactional test elsewhere may have flushed the seeded registry
        department = Department.objects.get_or_create(name=name)[0]
        Membership.objects.create(user=user, department=department)
    return user
