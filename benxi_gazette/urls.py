"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from benxi_gazette import views

admin.site.site_header = _("本溪市人民政府公报 管理后台")
admin.site.site_title = _("本溪市人民政府公报")
admin.site.index_title = _("管理后台")

# The domain apps' URLconfs are added here, one include() each, e.g.
#     path("", include("documents.urls")),
#     path("tasks/", include("tasks.urls")),
#     path("disclosure/", include("disclosure.urls")),
APP_URLCONFS: list = [
    path("api/", include("benxi_gazette.api_urls", namespace="api")),
    # The public site: /gazette/, /documents/<slug>/, /catalogue/, /departments/, /search/,
    # /feed/, /sitemap.xml
    path("", include("public.urls")),
    # The staff pages (工作平台): /work/tasks/, /work/inbox/, /work/supervision/, /work/import/,
    # /work/departments/, /work/calendar/ and the private feeds /work/ics/<token>.ics
    path("work/", include("staff.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its init script from a URL of its own, so no inline script is
    # needed and the strict CSP holds.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # DRF's obtain_auth_token, answering 429 when django-axes has locked the login out
    path("api/auth/token/", views.obtain_auth_token, name="api-token"),
    *APP_URLCONFS,
]

# MEDIA_ROOT is never served as such, not even with DEBUG: it holds the evidence staff upload,
# which only the attachment view serves, after checking who asks; issue PDFs have their view.
