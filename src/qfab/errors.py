"""User-facing errors.

Every problem caused by user input (a scenario file, a command-line option) is raised as a
subclass of :class:`QfabError`; the command line prints its message on one line and exits
with status 2. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["QfabError", "ScenarioError", "EngineError", "rewritten"]


class QfabError(Exception):
    """Base class of errors caused by user input."""


class ScenarioError(QfabError):
    """A scenario that cannot be loaded or validated.

    Parameters
    ----------
    path
        Location in the scenario document, e.g. ``links[2].detector.efficiency``
        (empty for problems with the document as a whole).
    reason
        What is wrong, e.g. ``must be <= 1, got 1.3``.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}" if path else reason)


class EngineError(QfabError):
    """A valid scenario that the chosen engine cannot run (a feature it does not model)."""


def rewritten(error: QfabError, rewrite: Callable[[str], str]) -> QfabError:
    """``error`` with ``rewrite`` applied to its text (a scenario error's path and reason, an
    engine error's message), e.g. to number the requests of a scenario part as written;
    other errors unchanged."""
    if isinstance(error, ScenarioError):
        return ScenarioError(rewrite(error.path), rewrite(error.reason))
    if isinstance(error, EngineError):
        return EngineError(rewrite(str(error)))
    return error
