"""Properties (hypothesis) of the identifiers on a learner's file: CIN, MASSAR code, phone number.

Each field is checked against its definition written out here in plain ASCII (``SHAPES``):
well-formed values, generated, are accepted; near-misses generated from them (a letter or digit too
many or too few, a small letter, a digit of another script, a stray character or line break) are
refused with the field's own message; any text is either what the definition describes or refused,
and nothing raises but a ValidationError. The model fields are what every service checks
(full_clean); the guardian's form adds the tidying of what is typed (spaces, small letters).
"""

import re
import string

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forsa.learners.forms import GuardianForm
from forsa.learners.models import Guardian, Learner
from forsa.learners.validators import looks_like_cin, looks_like_massar

FAST = settings(max_examples=150, deadline=None)

SHAPES = {
    "cin": re.compile(r"[A-Z]{1,2}[0-9]{1,6}"),
    "massar_code": re.compile(r"[A-Z][0-9]{9}"),
    "phone": re.compile(r"(\+212|0)[5-7][0-9]{8}"),
}

letter = st.sampled_from(string.ascii_uppercase)
small_letter = st.sampled_from(string.ascii_lowercase)


def digits(low, high=None):
    return st.text("0123456789", min_size=low, max_size=low if high is None else high)


def joined(*parts):
    return st.tuples(*parts).map("".join)


# Digits that a regex's \d takes but an identifier never holds: Arabic-Indic, Persian, full-width…
foreign_digit = st.characters(categories=["Nd"]).filter(lambda c: c not in string.digits)
stray = st.sampled_from(["\n", " ", "\t", "-", ".", "/", "\u200f", "\u00a0", "\x00"])

massar = joined(letter, digits(9))
cin = joined(st.text(string.ascii_uppercase, min_size=1, max_size=2), digits(1, 6))
phone = joined(st.sampled_from(["0", "+212"]), st.sampled_from("567"), digits(8))


@st.composite
def with_foreign_digit(draw, valid):
    """A valid value with one of its digits written in another script."""
    value = draw(valid)
    i = draw(st.sampled_from([i for i, c in enumerate(value) if c in string.digits]))
    return value[:i] + draw(foreign_digit) + value[i + 1:]


@st.composite
def with_stray(draw, valid):
    """A valid value with a stray character before, inside or after it."""
    value = draw(valid)
    i = draw(st.integers(0, len(value)))
    return value[:i] + draw(stray) + value[i:]


near_massar = st.one_of(
    joined(letter, st.one_of(digits(0, 8), digits(10, 12))),
    joined(small_letter, digits(9)),
    joined(letter, letter, digits(8)),
    digits(10),
    with_foreign_digit(massar),
    with_stray(massar),
)
near_cin = st.one_of(
    joined(st.text(string.ascii_uppercase, min_size=3, max_size=4), digits(1, 6)),
    joined(letter, digits(7, 9)),
    st.text(string.ascii_uppercase, min_size=1, max_size=2),
    digits(1, 8),
    joined(small_letter, digits(1, 6)),
    joined(digits(1, 3), letter, digits(1, 3)),
    with_foreign_digit(cin),
    with_stray(cin),
)
near_phone = st.one_of(
    joined(st.sampled_from(["0", "+212"]), st.sampled_from("0123489"), digits(8)),
    joined(st.sampled_from(["0", "+212"]), st.sampled_from("567"), st.one_of(digits(0, 7), digits(9, 10))),
    joined(st.sampled_from(["212", "00212", "+2120", "+33", "6"]), st.sampled_from("567"), digits(8)),
    with_foreign_digit(phone),
    with_stray(phone),
)

FIELDS = {  # name: (model, field, well-formed values, near-misses)
    "learner cin": (Learner, "cin", cin, near_cin),
    "learner massar_code": (Learner, "massar_code", massar, near_massar),
    "learner phone": (Learner, "phone", phone, near_phone),
    "guardian cin": (Guardian, "cin", cin, near_cin),
    "guardian phone": (Guardian, "phone", phone, near_phone),
}


def _field(name):
    model, field_name, *_ = FIELDS[name]
    field = model._meta.get_field(field_name)
    (pattern,) = [v for v in field.validators if hasattr(v, "regex")]
    return field, SHAPES[field_name], str(pattern.message)


@pytest.mark.parametrize("name", FIELDS)
def test_well_formed_values_are_accepted(name):
    field, shape, _message = _field(name)

    @FAST
    @given(FIELDS[name][2])
    def accepted(value):
        assert shape.fullmatch(value)  # the generator itself is right
        assert field.clean(value, None) == value

    accepted()


@pytest.mark.parametrize("name", FIELDS)
def test_near_misses_are_refused_with_the_fields_message(name):
    field, shape, message = _field(name)

    @FAST
    @given(FIELDS[name][3])
    def refused(value):
        assert not shape.fullmatch(value)  # a near-miss, not a well-formed value
        with pytest.raises(ValidationError) as refusal:
            field.clean(value, None)
        assert message in refusal.value.messages

    refused()


@pytest.mark.parametrize("name", FIELDS)
def test_any_text_is_what_the_field_describes_or_refused(name):
    field, shape, _message = _field(name)

    @FAST
    @given(st.one_of(st.text(max_size=20), FIELDS[name][2], FIELDS[name][3]))
    def cleaned(value):
        try:
            field.clean(value, None)
        except ValidationError as refusal:
            assert refusal.messages and value
        else:
            assert value == "" or shape.fullmatch(value), f"{value!r} accepted"

    cleaned()


@FAST
@given(st.one_of(massar, cin, near_massar, near_cin, st.text(max_size=12)))
def test_the_search_box_takes_for_a_code_only_what_a_code_can_be(value):
    """A MASSAR code or a CIN typed in the search box looks for that one learner, anything else for names."""
    assert looks_like_massar(value) == bool(SHAPES["massar_code"].fullmatch(value))
    assert looks_like_cin(value) == bool(SHAPES["cin"].fullmatch(value))


# The guardian's form: what is typed is stripped (and a CIN put in capitals) before the model's check.
TIDY = {"cin": lambda typed: typed.strip().upper(), "phone": str.strip}
typed_loosely = st.tuples(st.sampled_from(["", " ", "  ", "\t"]), st.booleans(), st.sampled_from(["", " ", "\t "]))


@pytest.mark.django_db
@pytest.mark.parametrize("field_name", TIDY)
def test_the_guardian_form_tidies_what_is_typed_and_names_the_field_it_refuses(field_name):
    well_formed, near = {"cin": (cin, near_cin), "phone": (phone, near_phone)}[field_name]
    shape, tidy = SHAPES[field_name], TIDY[field_name]

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.one_of(
        st.tuples(well_formed, typed_loosely).map(lambda v: v[1][0] + (v[0].lower() if v[1][1] else v[0]) + v[1][2]),
        near, st.text(max_size=12)))
    def checked(typed):
        data = {"full_name": "Khadija Alaoui", "relation": "mother", "phone": "", "cin": ""} | {field_name: typed}
        form = GuardianForm(data=data)
        expected = tidy(typed)
        if expected == "" or shape.fullmatch(expected):
            assert form.is_valid(), form.errors
            assert form.cleaned_data[field_name] == expected
        else:
            assert not form.is_valid()
            assert list(form.errors) == [field_name], form.errors

    checked()
