"""The NinjaAPI at /api/v1/: it mounts each app's router."""

from ninja import NinjaAPI

api = NinjaAPI(title="Forsa API", version="1", urls_namespace="api")
