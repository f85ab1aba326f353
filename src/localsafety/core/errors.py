"""Domain errors: raised by services, mapped once for pages and once for the API."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the action; ``message`` is shown to the user."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(DomainError):
    """Someone else changed the record since the user loaded it (optimistic locking)."""

    status_code = 409


class ImportRefused(DomainError):
    """A file was refused whole; ``problems`` lists file, row/feature, field and reason."""

    def __init__(
        self, message: str, problems: list[dict[str, str]], total: int | None = None
    ) -> None:
        super().__init__(message)
        self.problems = problems
        # ``problems`` may be the first of many: ``total`` counts them all.
        self.total = len(problems) if total is None else total
