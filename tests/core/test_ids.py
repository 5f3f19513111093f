import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from forsa.core.ids import MAX_ID, IdField, is_id


@pytest.mark.parametrize(("value", "expected"), [
    ("1", True), (MAX_ID, True), (str(MAX_ID + 1), False), ("0", False), ("-3", False),
    ("99999999999999999999", False), ("", False), ("abc", False), (" 12 ", True), ("1.5", False),
])
def test_is_id(value, expected):
    assert is_id(value) is expected


@given(st.text(max_size=30))
def test_id_field_never_returns_an_id_out_of_range(text):
    field = IdField(required=False)
    try:
        value = field.clean(text)
    except ValidationError:
        return
    assert value is None or 1 <= value <= MAX_ID


def test_id_field_out_of_range_reads_as_an_unknown_choice():
    with translation.override("fr"):
        with pytest.raises(ValidationError) as raised:
            IdField().clean("99999999999999999999")
        # The message is lazy: read it while French is still the active language.
        assert "Sélectionnez un choix valide" in str(raised.value)
