"""Error types that map to the command line's exit codes and carry where the problem is."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_REFUSED = 3
EXIT_FAILURE = 4


class StudioError(Exception):
    """Base for errors the user should see as a message, never as a traceback."""

    exit_code = EXIT_FAILURE


@dataclass
class Location:
    """Where a piece of bad input lives: file, line (1-based) and field path."""

    file: str | None = None
    line: int | None = None
    field: str | None = None
    label: str | None = None  # how to say the field to a person, e.g. "shot 3, key 'duration'"

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file + (f":{self.line}" if self.line else ""))
        elif self.line:
            parts.append(f"line {self.line}")
        if self.label:
            parts.append(self.label)
        elif self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)


class InputError(StudioError):
    """Bad user input: a script, project or option. Exit code 2."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, location: Location | None = None):
        self.message = message
        self.location = location or Location()
        where = str(self.location)
        super().__init__(f"{where}: {message}" if where else message)


class InputErrors(InputError):
    """Several input problems found at once, reported together."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.message, first.location)
        self.args = ("\n".join(str(e) for e in errors),)

    def __str__(self) -> str:
        return self.args[0]


class PolicyRefusal(StudioError):
    """Refused by consent or content policy. Exit code 3."""

    exit_code = EXIT_REFUSED


class EngineFailure(StudioError):
    """A generation backend or model failed. Exit code 4."""

    exit_code = EXIT_FAILURE


class ExportFailure(StudioError):
    """Encoding or writing the output failed. Exit code 4."""

    exit_code = EXIT_FAILURE


class Cancelled(Exception):
    """Raised inside a job or export when the user cancelled it."""
