"""Domain errors. Raised in the core with a stable code and a Dutch message for the agent;
translated once at each edge (CLI exit codes now, HTTP status codes in the API)."""

from __future__ import annotations


class BelbotError(Exception):
    """Base class: ``code`` is stable for clients, ``message`` is Dutch and shown to people."""

    code = "belbot_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(BelbotError):
    code = "config_error"


class InvalidInputError(BelbotError):
    code = "invalid_input"


class DocumentError(BelbotError):
    """A document cannot be ingested; ``reason`` is a short machine-readable tag."""

    code = "document_error"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class IndexNotFoundError(BelbotError):
    code = "index_not_found"


class IndexCorruptError(BelbotError):
    code = "index_corrupt"


class IndexBusyError(BelbotError):
    code = "index_busy"


class ModelUnavailableError(BelbotError):
    code = "model_unavailable"
