import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forsa.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after setup)

if not settings.DEBUG and not os.environ.get("FORSA_SECRET_KEY"):
    from forsa.core.checks import MISSING_SECRET_KEY

    raise RuntimeError(MISSING_SECRET_KEY)  # never serve with an empty or default key

from forsa.core.checks import static_manifest_problem  # noqa: E402

if problem := static_manifest_problem():
    raise RuntimeError(problem)  # never serve pages that would all be a 500
