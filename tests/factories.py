"""factory_boy factories for the domain models."""

import factory

from departments.models import Department, Membership
from documents.models import Document, GazetteIssue
from tasks.models import Task, TaskAssignment


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GazetteIssue

    year = 2018
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda o: f"本溪市人民政府公报{o.year}年第{o.number}号")


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    issue = factory.SubFactory(IssueFactory)
    order = factory.Sequence(lambda n: n + 1)
    number = factory.Sequence(lambda n: f"本政发〔2018〕{n + 100}号")
    slug = factory.Sequence(lambda n: f"doc-{n}")
    title = factory.Sequence(lambda n: f"本溪市人民政府关于测试事项{n}的通知")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"市测试局{n}")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    document = factory.SubFactory(DocumentFactory)
    text = factory.Sequence(lambda n: f"测试任务内容{n}。")
    fingerprint = factory.Sequence(lambda n: f"fp{n}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskAssignment

    task = factory.SubFactory(TaskFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = TaskAssignment.Role.LEAD


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    department = factory.SubFactory(DepartmentFactory)
