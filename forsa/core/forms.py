"""Form fields shared by every app."""

from pathlib import Path

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# The first bytes of each accepted type, and the extensions it may carry.
UPLOAD_SIGNATURES = (
    (b"%PDF-", {".pdf"}),
    (b"\x89PNG\r\n\x1a\n", {".png"}),
    (b"\xff\xd8\xff", {".jpg", ".jpeg"}),
)


class DocumentField(forms.FileField):
    """A scanned or photographed document: PDF, JPEG or PNG by content (not by name), at most 5 MB."""

    default_error_messages = {
        "file_type": _("%(field)s: only PDF, JPEG or PNG files are accepted."),
        "too_large": _("%(field)s: the file is larger than 5 MB."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("PDF, JPEG or PNG, at most 5 MB."))
        kwargs.setdefault("widget", forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}))
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        params = {"field": self.label}
        if value.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large", params=params)
        head = value.read(8)
        value.seek(0)
        extension = Path(value.name).suffix.lower()
        if not any(head.startswith(magic) and extension in extensions for magic, extensions in UPLOAD_SIGNATURES):
            raise forms.ValidationError(self.error_messages["file_type"], code="file_type", params=params)


class QuickSelect(forms.Select):
    """A <select> written in Python, with the same markup as Django's.

    Django renders every option through a template include: for the few hundred options of a
    list page's filters (centres, groups) that cost more than all of the page's queries at
    national scale (bench/README.md).
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join("", "<option value=\"{}\"{}>{}</option>", (
                ("" if option["value"] is None else option["value"], flatatt(option["attrs"]), option["label"])
                for option in options
            ))
            groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered) if group_name
                          else rendered)
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]),
                           format_html_join("", "{}", ((group,) for group in groups)))
