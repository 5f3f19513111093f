from django import template

from forsa.earlywarning.models import Intervention
from forsa.earlywarning.reasons import changes_since, reasons_text

register = template.Library()


@register.filter
def reasons_in_words(reasons):
    """Stored reasons (codes and figures) in the active language."""
    return reasons_text([reason for reason in reasons or () if reason.get("code") != "capped"])


@register.filter
def changes(risk):
    """What changed since last week, in words."""
    return changes_since(risk.reasons, risk.previous_reasons, risk.level, risk.previous_level)


@register.filter
def is_capped(risk):
    return any(reason.get("code") == "capped" for reason in risk.reasons or ())


@register.filter
def intervention_label(kind):
    return Intervention.Kind(kind).label if kind in Intervention.Kind.values else kind


@register.filter
def percent(probability):
    return "" if probability is None else f"{round(100 * probability)} %"
