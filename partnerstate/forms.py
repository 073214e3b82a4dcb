"""WTForms glue: forms bound to the request's language, errors that translate."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import wtforms
from wtforms import validators

from partnerstate.i18n import _


class Form(wtforms.Form):
    """Base form. Build with :meth:`from_request` so built-in messages use the page language."""

    @classmethod
    def from_request(cls, request: Any, **kwargs: Any) -> Any:
        formdata = request.POST if request.method == "POST" else None
        return cls(formdata, meta={"locales": [request.locale_name, "en"]}, **kwargs)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        for field in self:
            read_error = list(field.process_errors)
            if read_error and field.errors[: len(read_error)] == read_error:
                # An input that could not be read ("a year" for a number) has that one
                # problem; a range check on the missing value would only add noise.
                # (A validator that replaced it, "This field is required.", stands.)
                field.errors = read_error
        return valid

    def mark_required(self, *names: str) -> None:
        """Star fields that a service's rules require although the form does not check
        them itself (so that the page and the API obey one rule): the form-field macro
        shows the mark and sets ``aria-required`` from the field's ``required`` flag."""
        for name in names:
            self[name].flags.required = True

    def add_error(self, field_name: str, message: Any) -> None:
        getattr(self, field_name).errors.append(message)


class NumberField(wtforms.FloatField):
    """A decimal number whose error people understand (WTForms says "not a valid float")."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_("Enter a number, such as 20 or 33.5.")) from None


def required(message: Any = None) -> validators.InputRequired:
    return validators.InputRequired(message=message or _("This field is required."))


def length(max: int, min: int = -1, message: Any = None) -> validators.Length:
    return validators.Length(min=min, max=max, message=message)


def add_rule_errors(errors: Iterable[tuple[Any, Any]]) -> None:
    """Put the rules' messages (``(field, message)`` pairs) on their fields.

    A page runs a service's rules even when the form's own validation failed, so that
    every problem shows in one round. A field the form refused already says what is
    wrong with it; the rules saw no value there (it could not be read) or checked the
    same thing, so their message is left out rather than said twice. Fields without
    an error of their own may receive several messages (e.g. two agenda items).
    """
    pairs = list(errors)
    refused = {id(field) for field, _message in pairs if field.errors}
    for field, message in pairs:
        if id(field) not in refused:
            field.errors = [*field.errors, message]
