"""The demo login of a role, as seed_demo creates it (forsa/core/demo.py)."""


def demo_email(role):
    from forsa.core.demo import DEMO_USERS

    return next(user.email for user in DEMO_USERS if user.role == role)
