"""The staff pages under /work/ (included from benxi_gazette/urls.py)."""

from django.urls import path, re_path

from . import assembly, validity_views, views

app_name = "staff"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("tasks/", views.my_tasks, name="tasks"),
    re_path(r"^tasks/export\.(?P<fmt>csv|xlsx|pdf)$", views.task_export, name="export"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/report/", views.task_report, name="task-report"),
    path("tasks/<int:pk>/urge/", views.task_urge, name="task-urge"),
    path("tasks/<int:pk>/close/", views.task_close, name="task-close"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox-read"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox-read-all"),
    path("calendar/", views.calendar_feeds, name="calendar"),
    path("calendar/<int:pk>/revoke/", views.calendar_revoke, name="calendar-revoke"),
    re_path(r"^ics/(?P<token>[A-Za-z0-9_-]{20,64})\.ics$", views.ics_feed, name="ics"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/tasks/", views.supervision_tasks, name="supervision-tasks"),
    re_path(
        r"^supervision/export-(?P<by>department|document)\.(?P<fmt>csv|xlsx)$",
        views.supervision_export,
        name="supervision-export",
    ),
    path("import/", views.import_start, name="import"),
    path("import/confirm/", views.import_confirm, name="import-confirm"),
    path("import/<int:pk>/", views.review, name="review"),
    path("import/<int:pk>/publish/", views.review_publish, name="publish"),
    path("import/tasks/<int:pk>/assign/", views.review_assign, name="review-assign"),
    path("import/tasks/<int:pk>/deadline/", views.review_deadline, name="review-deadline"),
    path("import/assignments/<int:pk>/", views.review_assignment, name="review-assignment"),
    path("validity/expiring/", validity_views.expiring_list, name="validity-expiring"),
    path("validity/relations/<int:pk>/", validity_views.relation_decide, name="relation-decide"),
    path(
        "validity/documents/<int:pk>/relations/", validity_views.relation_add, name="relation-add"
    ),
    path("departments/", views.departments, name="departments"),
    path("departments/<int:pk>/", views.department_edit, name="department"),
    path("departments/<int:pk>/alias/", views.department_alias, name="department-alias"),
    path(
        "departments/aliases/<int:pk>/delete/",
        views.department_alias_delete,
        name="department-alias-delete",
    ),
    path("departments/<int:pk>/merge/", views.department_merge, name="department-merge"),
]

urlpatterns += assembly.urlpatterns  # 逐件组稿 (staff/assembly.py)
