"""The public site's stable URLs (included from benxi_gazette/urls.py)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import opendata, views
from .feeds import LatestFeed
from .sitemaps import SITEMAPS

urlpatterns = [
    path("gazette/", views.archive, name="archive"),
    path("gazette/<int:year>/<int:number>/", views.issue_detail, name="issue"),
    path("gazette/<int:year>/<int:number>/pdf", views.issue_pdf, name="issue-pdf"),
    path("documents/<str:slug>/", views.document_detail, name="document"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("departments/", views.department_list, name="departments"),
    path("departments/<int:pk>/", views.department_detail, name="department"),
    path("search/", views.search_page, name="search"),
    path("feed/", LatestFeed(), name="feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    *opendata.urlpatterns,
]
