"""Merge overlapping findings and replace each span with its typed placeholder."""

from __future__ import annotations

from belbot.guardrails.types import PRIORITY, Finding, Redaction


def resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    ordered = sorted(findings, key=lambda f: (-PRIORITY[f.kind], -(f.end - f.start), f.start))
    chosen: list[Finding] = []
    for finding in ordered:
        if all(finding.end <= c.start or finding.start >= c.end for c in chosen):
            chosen.append(finding)
    return sorted(chosen, key=lambda f: f.start)


def redact(text: str, findings: list[Finding]) -> tuple[str, list[Redaction]]:
    out: list[str] = []
    redactions: list[Redaction] = []
    cursor = 0
    for finding in resolve_overlaps(findings):
        placeholder = f"[{finding.kind}]"
        out.append(text[cursor : finding.start])
        out.append(placeholder)
        redactions.append(Redaction(kind=finding.kind, start=finding.start, end=finding.end,
                                    placeholder=placeholder))  # fmt: skip
        cursor = finding.end
    out.append(text[cursor:])
    return "".join(out), redactions
