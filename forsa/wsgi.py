import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forsa.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after setup)

if not settings.DEBUG and not os.environ.get("FORSA_SECRET_KEY"):
    from forsa.core.checks import MISSING_SECRET_KEY

    raise RuntimeError(MISSING_SECRET_KEY)  # never serve with an empty or default key
