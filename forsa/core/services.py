"""What every write service shares: the system actor and the permission check.

The save with its audit entry (``instance_save``) is audit's (forsa.audit.services): core imports no Forsa app.
"""

from django.core.exceptions import PermissionDenied

from forsa.core import scoping

SYSTEM = None  # the actor of management commands (load, seed, purge): no person


def require(actor, permission, obj=None, **anchor):
    """Refuse an action the actor's roles do not allow (the object is in scope: 403)."""
    if actor is SYSTEM:
        return
    if not scoping.can(actor, permission, obj, **anchor):
        raise PermissionDenied(permission)
