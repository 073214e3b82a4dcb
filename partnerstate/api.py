"""JSON API plumbing: the OpenAPI document, request validation, JSON errors.

Every API error has the contract's shape ``{"error": {"code", "message", "fields"}}``.
Request bodies and parameters are validated against ``openapi.yaml`` by
pyramid_openapi3 before the view runs; views only check what a schema cannot
(state, permissions, uniqueness).
"""

from __future__ import annotations

import functools
import json
import logging
import re
from importlib import resources
from typing import Any

from openapi_core.deserializing.exceptions import DeserializeError
from openapi_core.validation.request.exceptions import (
    MissingParameterError,
    ParameterValidationError,
    SecurityValidationError,
)
from pyramid.config import PHASE3_CONFIG
from pyramid.httpexceptions import HTTPException
from pyramid.response import Response
from pyramid.view import view_config
from pyramid_openapi3.exceptions import RequestValidationError, extract_errors

from partnerstate.choices import labelled_codes, vocabulary_for
from partnerstate.i18n import _

log = logging.getLogger(__name__)

SPEC_RESOURCE = "openapi.yaml"

# Default error codes for HTTP statuses, used when a view raises a plain HTTPException.
STATUS_CODES = {
    400: "malformed",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}


class ApiError(Exception):
    """Raise from an API view to answer with a JSON error (and roll back the transaction)."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or STATUS_CODES.get(status, "error")
        self.fields = fields or {}
        self.headers = headers or {}


def error_response(
    request: Any,
    status: int,
    message: str,
    code: str | None = None,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = {
        "error": {
            "code": code or STATUS_CODES.get(status, "error"),
            "message": request.translate(message) if request is not None else str(message),
            "fields": {
                name: request.translate(text) if request is not None else str(text)
                for name, text in (fields or {}).items()
            },
        }
    }
    response = Response(
        body=json.dumps(body).encode(), status=status, content_type="application/json"
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def api_config(**settings: Any) -> Any:
    """``view_config`` for API views: JSON renderer, OpenAPI validation, no CSRF.

    CSRF does not apply because the security policy accepts only bearer tokens
    under ``/api/`` (a browser never sends those on its own).
    """
    settings.setdefault("renderer", "json")
    settings.setdefault("openapi", True)
    settings["require_csrf"] = False
    return view_config(**settings)


def _is_api(request: Any) -> bool:
    return request.path.startswith("/api/")


def api_error_view(exc: ApiError, request: Any) -> Response:
    return error_response(request, exc.status, exc.message, exc.code, exc.fields, exc.headers)


def _schema_errors(errors: list[Exception]) -> list[Any]:
    found: list[Any] = []
    for error in errors:
        nested = getattr(error.__cause__, "schema_errors", None)
        if nested is not None:
            found.extend(nested)
        elif hasattr(error, "validator"):
            found.append(error)
    return found


# A wrong JSON type, said in the user's language (``null`` alone is never the point).
_EXPECTED = {
    "object": _("Expected an object."),
    "array": _("Expected a list."),
    "string": _("Expected a text."),
    "integer": _("Expected a whole number."),
    "number": _("Expected a number."),
    "boolean": _("Expected true or false."),
}
_INVALID = _("Invalid value.")


def _describe(error: Any, registry: Any = None) -> tuple[str, Any]:
    """A field path (``a.b.0``) and a translatable message for one JSON-schema error.

    ``registry``: where the vocabularies are that name an enum's codes in words."""
    path = [str(part) for part in getattr(error, "absolute_path", [])]
    validator, expected = error.validator, error.validator_value
    if validator == "required":
        missing = re.match(r"'(.+)' is a required property", error.message)
        path.append(missing.group(1) if missing else "?")
        message = _("This field is required.")
    elif validator == "maxLength":
        message = _("Too long: at most ${max} characters.", mapping={"max": expected})
    elif validator == "minLength" and expected == 1:
        message = _("Must not be empty.")
    elif validator == "minLength":
        message = _("Too short: at least ${min} characters.", mapping={"min": expected})
    elif validator == "type":
        wanted = [expected] if isinstance(expected, str) else list(expected)
        message = next((_EXPECTED[kind] for kind in wanted if kind in _EXPECTED), _INVALID)
    elif validator in ("maximum", "exclusiveMaximum"):
        message = _("Must be at most ${max}.", mapping={"max": expected})
    elif validator in ("minimum", "exclusiveMinimum"):
        message = _("Must be at least ${min}.", mapping={"min": expected})
    elif validator == "enum":
        codes = [item for item in expected if item is not None]
        named = labelled_codes(codes, vocabulary_for(registry, codes) if registry else None)
        message = _("Must be one of: ${allowed}.", mapping={"allowed": named})
    elif validator == "maxItems":
        message = _("Too many items: at most ${max}.", mapping={"max": expected})
    elif validator == "minItems":
        message = _("Too few items: at least ${min}.", mapping={"min": expected})
    elif validator == "additionalProperties":
        message = _("Unknown field.")
    else:
        message = _("Invalid value: ${detail}", mapping={"detail": error.message})
    return ".".join(path) or "body", message


def validation_error_view(exc: RequestValidationError, request: Any) -> Response:
    """Map OpenAPI validation failures to the contract: 400 malformed, 401, 422 invalid."""
    if any(isinstance(e, SecurityValidationError) for e in exc.errors):
        return error_response(request, 401, _("Authentication required."))
    body_errors = [e for e in exc.errors if not isinstance(e, ParameterValidationError)]
    if any(_is_malformed(e) for e in body_errors):
        return error_response(request, 400, _("The request body is not valid JSON."))
    fields: dict[str, Any] = {}
    for error in exc.errors:
        if isinstance(error, ParameterValidationError):
            fields.setdefault(error.name, _parameter_message(error, request.registry))
    for error in _schema_errors(body_errors):
        name, message = _describe(error, request.registry)
        fields.setdefault(name, message)
    if not fields:
        # Missing body, wrong content type: name them as openapi-core does.
        for item in extract_errors(request, body_errors):
            fields.setdefault((item.get("field") or "body").replace("/", "."), item["message"])
    return error_response(request, 422, _("Some fields are missing or invalid."), fields=fields)


def _is_malformed(error: Exception) -> bool:
    return isinstance(error, DeserializeError) or isinstance(error.__cause__, DeserializeError)


def _parameter_message(error: ParameterValidationError, registry: Any = None) -> Any:
    """One query or path parameter's problem, in the words a schema error would use."""
    if isinstance(error, MissingParameterError):
        return _("This field is required.")
    nested = getattr(error.__cause__, "schema_errors", None)
    if nested:
        return _describe(nested[0], registry)[1]
    # Not even the right type: "abc" for a number, an empty value where one is needed.
    return _("Not a valid value for this parameter.")


def http_exception_view(exc: HTTPException, request: Any) -> Response:
    """Under /api, HTTP exceptions (404, 403, 405…) become JSON errors."""
    return error_response(
        request, exc.code or 500, exc.detail or exc.title, headers=dict(_retry_after(exc))
    )


def _retry_after(exc: HTTPException) -> list[tuple[str, str]]:
    value = exc.headers.get("Retry-After")
    return [("Retry-After", value)] if value else []


def openapi_json(request: Any) -> Any:
    """The OpenAPI document as JSON (the contract's path), from the same source file."""
    spec = request.registry.settings["pyramid_openapi3"]["spec"]
    return spec.read_value() if hasattr(spec, "read_value") else dict(spec)


class RememberedPaths:
    """openapi-core's path finder, remembering its answers.

    pyramid_openapi3 gives openapi-core the matched route's pattern, so the answer
    depends only on the method, the pattern and the host. Unremembered, the finder
    walked every path of the spec on each request: a quarter of a light request's time.
    The cache is bounded because the host comes from the request.
    """

    def __init__(self, finder: Any) -> None:
        self.find = functools.lru_cache(maxsize=1024)(finder.find)


def _remember_paths(registry: Any) -> None:
    api = registry.settings["pyramid_openapi3"]
    for validator in (api["request_validator"], api["response_validator"]):
        validator.path_finder = RememberedPaths(validator.path_finder)


class ApiPathPredicate:
    """View predicate ``api_path=True|False``: does the request address the JSON API?"""

    def __init__(self, value: bool, config: Any) -> None:
        self.value = value

    def text(self) -> str:
        return f"api_path = {self.value}"

    phash = text

    def __call__(self, context: Any, request: Any) -> bool:
        return _is_api(request) == self.value


def includeme(config: Any) -> None:
    config.add_view_predicate("api_path", ApiPathPredicate)
    config.include("pyramid_openapi3")
    spec_path = str(resources.files("partnerstate") / SPEC_RESOURCE)
    config.pyramid_openapi3_spec(spec_path, route="/api/v1/openapi.yaml")
    settings = config.registry["partnerstate.settings"]
    config.registry.settings["pyramid_openapi3.enable_response_validation"] = (
        settings.validate_api_responses
    )
    # After pyramid_openapi3 has built its validators (its action runs in an earlier phase).
    config.action(None, lambda: _remember_paths(config.registry), order=PHASE3_CONFIG)
    config.add_route("api.openapi_json", "/api/v1/openapi.json")
    config.add_view(
        openapi_json, route_name="api.openapi_json", renderer="json", request_method="GET"
    )
    config.add_exception_view(api_error_view, context=ApiError)
    config.add_exception_view(validation_error_view, context=RequestValidationError)
    # Other HTTP exceptions become JSON under /api and pages elsewhere (views/errors.py).
    config.add_exception_view(http_exception_view, context=HTTPException, api_path=True)
