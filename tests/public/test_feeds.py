"""The Atom feed and sitemap.xml are well-formed and carry what readers and crawlers need."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from factories import DocumentFactory, IssueFactory

from documents.models import Document

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

pytestmark = pytest.mark.django_db


def test_atom_feed_is_valid_and_lists_the_issue_and_its_documents(client, seed):
    IssueFactory(year=2019, number=1)  # a draft: not in the feed
    response = client.get("/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    # RFC 4287: a feed has id, title, updated, and an author (or every entry has one).
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None and root.find(f"{ATOM}{name}").text
    assert root.find(f"{ATOM}author/{ATOM}name").text == "本溪市人民政府办公厅"
    self_link = [e for e in root.findall(f"{ATOM}link") if e.get("rel") == "self"]
    assert self_link and self_link[0].get("href") == "http://testserver/feed/"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1 + Document.objects.count()
    ids = set()
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}").text
        ids.add(entry.find(f"{ATOM}id").text)
        link = entry.find(f"{ATOM}link")
        assert link.get("rel") == "alternate" and link.get("href").startswith("http://testserver/")
    assert len(ids) == len(entries)
    first = entries[0]
    assert first.find(f"{ATOM}title").text == "本溪市人民政府公报2018年第6号（总第102期）"
    assert first.find(f"{ATOM}link").get("href") == "http://testserver/gazette/2018/6/"
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert any("（本政发〔2018〕13号）" in t for t in titles)
    assert "2019" not in response.content.decode()


def test_empty_feed_is_still_valid(client, db):
    root = ET.fromstring(client.get("/feed/").content)
    assert root.find(f"{ATOM}updated") is not None
    assert root.findall(f"{ATOM}entry") == []


def test_sitemap_lists_the_public_pages(client, seed):
    DocumentFactory(issue=IssueFactory(year=2019, number=2), slug="draft-doc")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}urlset"
    locs = {u.find(f"{SITEMAP}loc").text for u in root.findall(f"{SITEMAP}url")}
    for path in ("/", "/gazette/", "/catalogue/", "/departments/", "/gazette/2018/6/"):
        assert f"http://testserver{path}" in locs
    for doc in Document.objects.filter(issue__status="published"):
        assert f"http://testserver{reverse('document', args=[doc.slug])}" in locs
    assert "http://testserver/documents/draft-doc/" not in locs
    assert not any("/search/" in loc for loc in locs)
