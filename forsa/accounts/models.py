"""People who log in, what they may see (memberships) and their API tokens."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forsa.centers.models import Center
from forsa.core import scoping
from forsa.core.models import TimeStampedModel
from forsa.core.roles import ROLE_SCOPE_FIELD, SCOPE_FIELDS, Role
from forsa.core.scoping import ScopedQuerySet
from forsa.organizations.models import Association, Partner
from forsa.territory.models import Province, Region


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.email


class Membership(TimeStampedModel):
    """A role held by a user over one scope object. Scope is data, not code."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    # Exactly the one field the role is bound to is set (see ROLE_SCOPE_FIELD and clean()).
    region = models.ForeignKey(Region, models.CASCADE, null=True, blank=True, verbose_name=_("region"))
    province = models.ForeignKey(Province, models.CASCADE, null=True, blank=True, verbose_name=_("province"))
    association = models.ForeignKey(
        Association, models.CASCADE, null=True, blank=True, verbose_name=_("association")
    )
    center = models.ForeignKey(Center, models.CASCADE, null=True, blank=True, verbose_name=_("centre"))
    partner = models.ForeignKey(Partner, models.CASCADE, null=True, blank=True, verbose_name=_("partner"))

    # Memberships make the scope (scoping.scope_of reads them): they are not read through one.
    objects = models.Manager()

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return "{} – {}".format(self.get_role_display(), self.scope_object or _("national"))

    @property
    def scope_field(self):
        return ROLE_SCOPE_FIELD[self.role]

    @property
    def scope_object(self):
        return getattr(self, self.scope_field) if self.scope_field else None

    def clean(self):
        expected = ROLE_SCOPE_FIELD.get(self.role)
        errors = {}
        for field in SCOPE_FIELDS:
            is_set = getattr(self, f"{field}_id") is not None
            if field == expected and not is_set:
                errors[field] = _("This role needs a %(scope)s.") % {
                    "scope": self._meta.get_field(field).verbose_name
                }
            elif field != expected and is_set:
                errors[field] = _("This role is not bound to a %(scope)s.") % {
                    "scope": self._meta.get_field(field).verbose_name
                }
        if errors:
            raise ValidationError(errors)


class ApiToken(models.Model):
    """A personal token for integrations. Only its SHA-256 is stored; it is shown once."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_rule = scoping.Rule(owner="user")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw):
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate():
        return "fa_" + secrets.token_urlsafe(32)

    @property
    def is_active(self):
        return self.revoked_at is None
