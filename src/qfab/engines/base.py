"""The engine interface: one scenario in, one :class:`~qfab.engines.result.RunResult` out.

Every engine declares what it can run: :meth:`Engine.supports` answers with a
:class:`Support`, yes or no with the reason, and :meth:`Engine.run` refuses exactly the
scenarios ``supports`` refuses, with that reason, so callers ask first instead of trying.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from qfab.engines.result import RunResult
from qfab.errors import EngineError
from qfab.spec.models import ScenarioSpec

__all__ = ["Engine", "ProgressCallback", "Support"]

#: Called now and then with the fraction of the run done, in [0, 1].
ProgressCallback = Callable[[float], None]


@dataclass(frozen=True)
class Support:
    """Whether an engine (or one of its parts) can model a scenario; truthy when it can.

    Attributes
    ----------
    ok
        True when every parameter of the scenario is modelled.
    reason
        When not: what is not modelled, starting with the scenario field it concerns, e.g.
        ``"policy.buffer: the fast engine serves requests on demand only; use engine des"``.

    Examples
    --------
    >>> bool(Support.yes()), bool(Support.no("policy.cutoff: not modelled"))
    (True, False)
    >>> Support.no("policy.cutoff: not modelled").reason
    'policy.cutoff: not modelled'
    """

    ok: bool
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.ok != (self.reason is None):
            raise ValueError("reason: given exactly when ok is False")

    def __bool__(self) -> bool:
        return self.ok

    @classmethod
    def yes(cls) -> Support:
        """The scenario is supported."""
        return cls(True)

    @classmethod
    def no(cls, reason: str) -> Support:
        """The scenario is not supported, because of ``reason``."""
        return cls(False, reason)

    def require(self) -> None:
        """Raise :class:`~qfab.errors.EngineError` with the reason unless supported."""
        if not self.ok:
            raise EngineError(str(self.reason))


class Engine(Protocol):
    """What every engine provides."""

    name: str

    def supports(self, spec: ScenarioSpec) -> Support:
        """Whether this engine models every parameter of ``spec``, or why not.

        Raises
        ------
        EngineError
            If no engine could serve ``spec`` (the orchestrator finds no plan: no path, too
            few qubits, an unreachable ``min_fidelity``).
        """
        ...

    def run(self, spec: ScenarioSpec, *, seed: int,
            progress: ProgressCallback | None = None) -> RunResult:
        """Run ``spec`` and return the result document.

        Raises
        ------
        EngineError
            With the reason of :meth:`supports` if ``spec`` is not supported.
        """
        ...
