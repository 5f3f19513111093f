from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forsa.core.scoping import ScopedQuerySet


class TimeStampedModel(models.Model):
    """Who created a row and when; updated_at moves on every write."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class BilingualName(models.Model):
    """French and Arabic names; `name` follows the active language (English where a model has `name_en`),
    falling back to French."""

    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        language = get_language()
        if language == "ar" and self.name_ar:
            return self.name_ar
        if language == "en" and getattr(self, "name_en", ""):
            return self.name_en
        return self.name_fr
