"""Set up the private database for the failure tests (run as a script, production settings).

Migrates, imports the seed issue published (its PDF rendered in-process), adds a small draft
issue to publish later and a secretariat account with an API token; prints the facts as JSON.
"""

import json

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from factories import DocumentFactory  # noqa: E402
from paths import SEED_PATH  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from documents.models import GazetteIssue  # noqa: E402
from documents.services import import_issue  # noqa: E402

call_command("migrate", verbosity=0)
import_issue(SEED_PATH.read_text(encoding="utf-8"), publish=True)
seed = GazetteIssue.objects.get()
draft = DocumentFactory(
    issue__year=2019,
    issue__number=1,
    issue__title="本溪市人民政府公报2019年第1号",
    title="本溪市人民政府关于测试发布的通知",
    body="各县区人民政府，市政府各部门：\n一、本通知用于测试发布。",
).issue
secretariat = User.objects.create_user("secretariat", password="pw-secretariat-long-enough")
secretariat.groups.add(Group.objects.get(name="secretariat"))
print(
    json.dumps(
        {
            "seed_issue": [seed.year, seed.number],
            "seed_pdf": seed.pdf.name,
            "document": seed.documents.order_by("order").first().slug,
            "draft_issue": draft.pk,
            "draft_status": draft.status,
            "token": Token.objects.create(user=secretariat).key,
        }
    )
)
