from django import template

from forsa.earlywarning.reasons import reasons_text

register = template.Library()


@register.filter
def reasons_in_words(reasons):
    """Stored reasons (codes and figures) in the active language."""
    return reasons_text([reason for reason in reasons or () if reason.get("code") != "capped"])
