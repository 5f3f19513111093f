from django.urls import path, register_converter

from forsa.reporting import views


class HcpCode:
    """An HCP code in a path (01, 01.051): letters, digits and dots, at most 16 characters as stored (no NUL,
    which PostgreSQL cannot compare: such a path is simply not found)."""

    regex = r"[0-9A-Za-z.]{1,16}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(HcpCode, "hcp")

app_name = "reporting"
urlpatterns = [
    path("", views.home, name="home"),
    path("reporting/", views.dashboard, name="dashboard"),
    path("reporting/indicators/", views.catalogue, name="catalogue"),
    path("reporting/national/", views.national, name="national"),
    path("reporting/regions/<hcp:code>/", views.region, name="region"),
    path("reporting/provinces/<hcp:code>/", views.province, name="province"),
    path("reporting/associations/<int:pk>/", views.association, name="association"),
    path("reporting/centres/<int:pk>/", views.center, name="center"),
    path("reporting/coverage/", views.coverage_national, name="coverage"),
    path("reporting/coverage/regions/<hcp:code>/", views.coverage_region, name="coverage_region"),
    path("reporting/coverage/provinces/<hcp:code>/", views.coverage_province, name="coverage_province"),
    # the tables of each dashboard as .xlsx or CSV (<table>.<format>: exports.TABLES, exports.FORMATS)
    path("reporting/export/<slug:table>.<slug:fmt>", views.dashboard_export, name="dashboard_export"),
    path("reporting/national/<slug:table>.<slug:fmt>", views.national_export, name="national_export"),
    path("reporting/regions/<hcp:code>/<slug:table>.<slug:fmt>", views.region_export, name="region_export"),
    path("reporting/provinces/<hcp:code>/<slug:table>.<slug:fmt>", views.province_export, name="province_export"),
    path("reporting/associations/<int:pk>/<slug:table>.<slug:fmt>", views.association_export,
         name="association_export"),
    path("reporting/centres/<int:pk>/<slug:table>.<slug:fmt>", views.center_export, name="center_export"),
    # annual reports: mine (and asking for one), one's progress, its download
    path("reporting/reports/", views.reports, name="reports"),
    path("reporting/reports/<int:pk>/", views.report, name="report"),
    path("reporting/reports/<int:pk>/download/", views.report_download, name="report_download"),
]
