"""Schemathesis against the JSON API, in process: shared by the suite and the full run.

``fuzz`` generates requests from ``openapi.yaml`` for every operation — valid ones
and, as schemathesis calls them, negative ones (wrong types, missing fields, odd
strings) — sends them to the WSGI application and runs every schemathesis check on
each answer. Runs are seeded (``derandomize``), so CI sees the same cases each time.

The suite runs a few examples per operation (``tests/partnerstate/test_api_fuzz.py``);
``benchmarks/api_fuzz.py`` runs a hundred or more, as anonymous, member and official.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
from collections.abc import Iterable
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode

# The checks the API must always pass; others are reported, not enforced (see ``Report``).
REQUIRED_CHECKS = ("not_a_server_error", "response_schema_conformance")
# What schemathesis' titles for those checks look like (its Failure classes vary).
REQUIRED_TITLES = ("Server error", "Response violates schema", "JSON deserialization error")


@dataclasses.dataclass
class Report:
    """What a run sent and what failed, by operation and check title."""

    operations: int = 0
    cases: int = 0
    failures: list[tuple[str, str, int, str]] = dataclasses.field(default_factory=list)

    def required_failures(self) -> list[tuple[str, str, int, str]]:
        """Server errors and responses that break the schema: what must never happen."""
        return [f for f in self.failures if f[1].startswith(REQUIRED_TITLES)]

    def by_title(self) -> dict[str, int]:
        return dict(collections.Counter(title for _, title, _, _ in self.failures))

    def summary(self) -> str:
        lines = [f"{self.operations} operations, {self.cases} cases, {len(self.failures)} failures"]
        lines += [f"  {count:5d}  {title}" for title, count in sorted(self.by_title().items())]
        return "\n".join(lines)


def load_schema(wsgi_app: Any) -> Any:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)


def _operations(schema: Any, only: Iterable[str] | None) -> list[Any]:
    wanted = set(only) if only is not None else None
    found = []
    for result in schema.get_all_operations():
        if isinstance(result, Ok):
            operation = result.ok()
            if wanted is None or operation.label in wanted:
                found.append(operation)
    return found


def fuzz(
    wsgi_app: Any,
    headers: dict[str, str] | None = None,
    max_examples: int = 20,
    only: Iterable[str] | None = None,
    report: Report | None = None,
) -> Report:
    """Send ``max_examples`` positive and as many negative cases to each operation."""
    report = report or Report()
    schema = load_schema(wsgi_app)
    seen: set[tuple[str, str, int]] = set()
    for operation in _operations(schema, only):
        report.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz_operation(operation, mode, headers or {}, max_examples, report, seen)
    return report


def _fuzz_operation(
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    max_examples: int,
    report: Report,
    seen: set[tuple[str, str, int]],
) -> None:
    @settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        # Generation only: a failure is recorded, not shrunk (that would multiply the time).
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    # The caller's credentials replace the ones schemathesis would make up.
    @given(operation.as_strategy(generation_mode=mode, headers=headers or None))
    def run(case: Any) -> None:
        report.cases += 1
        response = case.call(headers=headers)
        try:
            case.validate_response(response, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                _record(report, seen, operation.label, failure, response.status_code, case)
        except Failure as failure:
            _record(report, seen, operation.label, failure, response.status_code, case)

    # Unsatisfiable: nothing to make invalid (no parameters, no body); positive cases did it all.
    with contextlib.suppress(Unsatisfiable):
        run()


def _record(
    report: Report,
    seen: set[tuple[str, str, int]],
    label: str,
    failure: Failure,
    status: int,
    case: Any,
) -> None:
    key = (label, failure.title, status)
    detail = failure.message[:300]
    if key not in seen:
        seen.add(key)
        detail = f"{detail} | {case!r}"[:900]  # the first of each kind, to reproduce it
    report.failures.append((label, failure.title, status, detail))
