"""Reasons in words. A reason is stored as a code with its figures, and worded here in the reader's
language, so the same score reads in French, Arabic or English ("4 absences de suite")."""

from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from forsa.earlywarning.models import LEVEL_RANK, Level

CODES = ("consecutive", "rate_4w", "falling", "no_gain", "missed_assessments", "model")


def _percent(value):
    return number_format(value, decimal_pos=0)


def reason_text(reason: dict) -> str:
    """One reason in the active language."""
    code = reason.get("code")
    if code == "consecutive":
        return ngettext("%(n)d absence in a row", "%(n)d absences in a row", reason["n"]) % {"n": reason["n"]}
    if code == "rate_4w":
        return _("attendance %(rate)s %% over 4 weeks (rule: %(minimum)s %%)") % {
            "rate": _percent(reason["rate"]), "minimum": reason["minimum"]}
    if code == "falling":
        return _("attendance fell from %(before)s %% to %(after)s %% in 2 weeks") % {
            "before": _percent(reason["before"]), "after": _percent(reason["after"])}
    if code == "no_gain":
        return _("no gain between the last two assessments")
    if code == "missed_assessments":
        return ngettext("missed %(n)d assessment", "missed %(n)d assessments", reason["n"]) % {"n": reason["n"]}
    if code == "model":  # the model's own words, stored in each language it was scored in
        texts = reason.get("text", {})
        return texts.get((get_language() or "fr")[:2]) or texts.get("fr") or next(iter(texts.values()), "")
    return code or ""


def reasons_text(reasons) -> list[str]:
    return [reason_text(reason) for reason in reasons]


def changes_since(reasons, previous_reasons, level, previous_level) -> list[str]:
    """What changed since last week, in words: the level, and reasons that appeared or went away."""
    words = []
    if not previous_level:
        words.append(_("first score"))
    elif level != previous_level:
        up = LEVEL_RANK[level] > LEVEL_RANK[previous_level]
        words.append((_("up from %(level)s") if up else _("down from %(level)s")) % {
            "level": Level(previous_level).label})
    before = {reason.get("code") for reason in previous_reasons}
    now = {reason.get("code") for reason in reasons}
    words += [_("new: %(reason)s") % {"reason": reason_text(r)} for r in reasons
              if r.get("code") not in before and r.get("code") != "model"]
    words += [_("no longer: %(reason)s") % {"reason": reason_text(r)} for r in previous_reasons
              if r.get("code") not in now and r.get("code") != "model"]
    return words or [_("no change")]
