"""Domain refusals: a machine code, a Vietnamese message, optional details."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the user must see, with the reason in their language."""

    status_code = 400

    def __init__(self, code: str, message, *, details: list | dict | None = None):
        super().__init__(str(message))
        self.code = code
        self.message = str(message)
        self.details = details or []


class PermissionDeniedError(DomainError):
    status_code = 403


class ConflictError(DomainError):
    """Somebody else changed the record first: reload and try again."""

    status_code = 409
