"""User-facing errors.

Every problem caused by user input (a scenario file, a command-line option) is raised as a
subclass of :class:`QfabError`; the command line prints its message on one line and exits
with status 2. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

__all__ = ["QfabError", "ScenarioError", "EngineError"]


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
