from django.urls import include, path

from forsa.api import api

urlpatterns = [
    path("", include("forsa.reporting.urls")),
    path("accounts/", include("forsa.accounts.urls")),
    path("territory/", include("forsa.territory.urls")),
    path("associations/", include("forsa.organizations.urls")),
    path("centres/", include("forsa.centers.urls")),
    path("learners/", include("forsa.learners.urls")),
    path("attendance/", include("forsa.attendance.urls")),
    path("assessments/", include("forsa.assessments.urls")),
    path("conventions/", include("forsa.conventions.urls")),
    path("early-warning/", include("forsa.earlywarning.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]
