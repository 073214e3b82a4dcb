"""WTForms glue: forms bound to the request's language, errors that translate."""

from __future__ import annotations

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

    def add_error(self, field_name: str, message: Any) -> None:
        getattr(self, field_name).errors.append(message)


def required(message: Any = None) -> validators.InputRequired:
    return validators.InputRequired(message=message or _("This field is required."))


def length(max: int, min: int = -1, message: Any = None) -> validators.Length:
    return validators.Length(min=min, max=max, message=message)
