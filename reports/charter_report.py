"""The charter as a report type: its content, code and signatures → a PDF/A-3b file.

The canonical content is embedded unchanged as ``charter.json``: anyone holding the
PDF can recompute the verification code with ``sha256sum`` on that attachment.
Recorded signatures, which are not part of the charter's text, travel in a second
attachment, ``signatures.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from partnerstate.i18n import _
from reports import registry, render
from reports.charter import METHOD_LABELS, canonical_json

TEMPLATE = "reports/charter.jinja2"
STYLESHEET = Path(__file__).parent / "templates" / "reports" / "charter.css"


def verify_url(base_url: str, sha256: str) -> str:
    return f"{base_url.rstrip('/')}/charters/verify/{sha256}"


def signature_dict(signature: Any) -> dict[str, Any]:
    """A recorded signature (model or mapping) as plain data for templates and JSON."""
    if isinstance(signature, Mapping):
        return dict(signature)
    return {
        "party": signature.party,
        "name": signature.name,
        "role": signature.role,
        "place": signature.place,
        "signed_at": signature.signed_at.isoformat(),
    }


def charter_data(
    content: Mapping[str, Any],
    sha256: str,
    base_url: str,
    signatures: Sequence[Any] = (),
    timezone: str = render.DEFAULT_TIMEZONE,
) -> registry.ReportData:
    locale = content["locale"]
    url = verify_url(base_url, sha256)
    signed = [signature_dict(item) for item in signatures]
    decision = content.get("decision") or {}
    method = decision.get("method", "")
    attachments = [
        render.PdfAttachment(
            "charter.json",
            canonical_json(content),
            render.translate(
                locale, _("The charter's canonical content; its SHA-256 is the verification code.")
            ),
        )
    ]
    if signed:
        attachments.append(
            render.PdfAttachment(
                "signatures.json",
                json.dumps(signed, ensure_ascii=False, indent=1).encode("utf-8"),
                render.translate(locale, _("Signatures recorded in the register.")),
                relationship="Supplement",
            )
        )
    return registry.ReportData(
        context={
            "c": content,
            "sha256": sha256,
            "verify_url": url,
            "qr": render.qr_png_data_uri(url),
            "signatures": signed,
            "timezone": timezone,
            "method_label": render.translate(locale, METHOD_LABELS[method])
            if method in METHOD_LABELS
            else method,
        },
        locale=locale,
        title=content.get("title", ""),
        filename=f"charter-{content.get('reference', sha256[:12])}.pdf".replace("/", "-"),
        attachments=tuple(attachments),
    )


CHARTER = registry.register(
    registry.ReportType(name="charter", template=TEMPLATE, stylesheet=STYLESHEET, data=charter_data)
)


def render_charter(
    content: Mapping[str, Any],
    sha256: str,
    base_url: str,
    signatures: Sequence[Any] = (),
    timezone: str = render.DEFAULT_TIMEZONE,
) -> bytes:
    """The charter's PDF (PDF/A-3b with its JSON attached)."""
    return CHARTER.render_pdf(charter_data(content, sha256, base_url, signatures, timezone))
