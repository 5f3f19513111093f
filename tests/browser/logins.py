"""The demo login of a role, as seed_demo creates it (forsa/demo/users.py)."""


def demo_email(role):
    from forsa.demo.users import DEMO_USERS

    return next(user.email for user in DEMO_USERS if user.role == role)
