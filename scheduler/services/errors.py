"""Errors the services raise; the API turns each into one status code."""


class NotFound(Exception):
    """A referenced object does not exist (404 in a path, 422 when named in a body)."""

    def __init__(self, what: str, field: str | None = None):
        super().__init__(f"{what} not found")
        self.message = f"{what} not found"
        self.field = field


class Conflict(Exception):
    """The request clashes with the current state (409); `details` go in the answer as they are
    (e.g. the sessions a removed shift would leave without cover)."""

    def __init__(self, message: str, field: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details or {}


class Invalid(Exception):
    """Input that passed the schema but not a rule that needs the database (422)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{field}: {text}" for field, text in problems.items()))
        self.problems = problems


class Unauthorized(Exception):
    """No valid credentials (401)."""
