"""QKD requests: decoy-state BB84 over a fiber link, BBM92 over delivered pairs.

A ``kind: qkd`` request (:class:`QkdRequestSpec`) asks for a secret key between two nodes:

- ``protocol: bb84-decoy``: prepare and measure with a weak coherent source
  (``source: {mu, nu, repetition_rate}``) over a direct ``kind: fiber`` link between the
  two ends (or, with ``relay: trusted``, over every link of a chain of fiber links, the key
  relayed through the trusted nodes between), with decoy states (``decoys: [nu, vacuum]``,
  the vacuum + weak bounds) or the asymptotic limit of infinitely many decoys
  (``decoys: infinite``); ``pulses`` or ``duration`` (at the repetition rate) sets how
  many pulses are sent;
- ``protocol: bbm92``: the pairs of an entanglement request between the two ends (any
  path), each measured at both ends in a random basis; ``pairs`` sets how many.

``finite_key: {epsilon}`` asks for the finite-key length at that security parameter;
without it the key rates are asymptotic. The orchestrator serves a bbm92 request as the
pair request :class:`QkdPairsSpec`, which the engines plan like any other.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    PrivateAttr,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from qfab.spec.base import Integer, SpecModel
from qfab.spec.quantities import Frequency, Number, PositiveDuration
from qfab.spec.requests import PairRequestSpec

__all__ = ["FiniteKeySpec", "QkdPairsSpec", "QkdRequestSpec", "QkdSourceSpec"]

def _count(value: Any) -> Any:
    """A count written as a number or a string (``1e9`` reads as a string in YAML)."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not a boolean")
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise ValueError(f"must be a number, got {value!r}") from None
    return value


_NUMBER = r"^\s*[0-9]+(\.[0-9]*)?([eE][+]?[0-9]+)?\s*$"

#: A count of pulses: a whole number >= 1, written as ``1e9`` or ``1000000000``.
PulseCount = Annotated[float, BeforeValidator(_count), Field(ge=1),
                       WithJsonSchema({"anyOf": [{"type": "number", "minimum": 1},
                                                 {"type": "string", "pattern": _NUMBER}]})]


def _signal_intensity(value: Any) -> Any:
    """A signal's mean photon number: a number in (0, 100] or ``"optimal"``."""
    if value == "optimal":
        return value
    if isinstance(value, bool):
        raise ValueError(f"expected a number or 'optimal', got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a number or 'optimal', got {value!r}") from None
    if not 0 < number <= 100:
        raise ValueError(f"must be > 0 and <= 100 (a weak coherent source), got {value!r}")
    return number


class QkdSourceSpec(SpecModel):
    """Alice's weak coherent (phase-randomised, Poissonian) source.

    ``mu`` is the signal's mean photon number per pulse, ``nu`` the weak decoy's (needed
    with ``decoys: [nu, vacuum]``), ``repetition_rate`` the pulse rate.
    """

    mu: Annotated[float | Literal["optimal"], BeforeValidator(_signal_intensity)] = Field(
        description="mean photon number of the signal pulses (at most 100: a weak coherent "
        "source), or 'optimal': the one that maximises the asymptotic key rate on the link "
        "(Ma et al. 2005), which the engine finds before it runs and reports as 'mu'")
    nu: Number | None = Field(None, gt=0, description="mean photon number of the weak "
                              "decoy pulses (decoys: [nu, vacuum])")
    repetition_rate: Frequency = Field(gt=0, description="pulses per second")
    intensity_probabilities: tuple[Number, Number, Number] = Field(
        (0.8, 0.1, 0.1), description="probabilities of sending the signal, the weak decoy "
        "and the vacuum (decoys: [nu, vacuum]; the signal alone with decoys: infinite)")

    @model_validator(mode="after")
    def _consistent(self) -> QkdSourceSpec:
        if not ((self.mu == "optimal" or math.isfinite(self.mu))
                and math.isfinite(float(self.repetition_rate))):
            raise ValueError("mu and repetition_rate must be finite")
        if self.nu is not None and self.mu != "optimal" and self.nu >= self.mu:
            raise ValueError(f"nu ({self.nu:g}) must be smaller than mu ({self.mu:g})")
        probabilities = self.intensity_probabilities
        if any(p <= 0 for p in probabilities) or abs(sum(probabilities) - 1.0) > 1e-9:
            raise ValueError("intensity_probabilities: three positive probabilities that sum "
                             f"to 1, got {list(probabilities)}")
        return self


class FiniteKeySpec(SpecModel):
    """Finite-key security: the key is ``epsilon``-secret (composable)."""

    epsilon: Number = Field(gt=0, lt=1, description="secrecy parameter epsilon_sec")


class QkdRequestSpec(PairRequestSpec):
    """A secret key between two nodes (see the module docstring).

    Of the pair-request fields, ``pairs`` (required), ``min_fidelity``, ``deadline`` and
    ``priority`` are bbm92's; a bb84-decoy request refuses them.
    """

    kind: Literal["qkd"] = "qkd"
    protocol: Literal["bb84-decoy", "bbm92"]
    pairs: Integer = Field(1, ge=1, description="pairs to measure (bbm92)")
    source: QkdSourceSpec | None = Field(None, description="Alice's source (bb84-decoy)")
    decoys: Literal["infinite"] | tuple[Literal["nu", "vacuum"], ...] | None = Field(
        None, description="[nu, vacuum] (the vacuum + weak decoy bounds) or infinite (the "
        "asymptotic decoy limit); bb84-decoy only")
    misalignment: Number = Field(0.0, ge=0, le=0.5, description="probability that a "
                                 "detected photon lands in the wrong detector (bb84-decoy)")
    error_correction_efficiency: Number = Field(
        1.0, ge=1, description="f: error correction leaks f h(QBER) bits per key bit (the "
        "analytic engine's model, both protocols; the event simulation counts the syndrome "
        "bits it sends)")
    pulses: PulseCount | None = Field(None, description="pulses sent (bb84-decoy)")
    duration: PositiveDuration | None = Field(
        None, description="sending time at the repetition rate, instead of pulses")
    finite_key: FiniteKeySpec | None = Field(None, description="finite-key security "
                                             "(default: asymptotic key rates)")
    relay: Literal["trusted"] | None = Field(
        None, description="trusted: the ends are joined by a chain of fiber links and the key "
        "is relayed (XOR) through the trusted nodes between them (bb84-decoy)")

    @field_validator("pulses")
    @classmethod
    def _whole(cls, value: float | None) -> float | None:
        if value is not None and (not math.isfinite(value) or value != math.floor(value)):
            raise ValueError(f"must be a whole number of pulses, got {value:g}")
        return value

    @model_validator(mode="after")
    def _fields_of_the_protocol(self) -> QkdRequestSpec:
        if self.protocol == "bb84-decoy":
            self._check_bb84()
        else:
            self._check_bbm92()
        return self

    def _check_bb84(self) -> None:
        if self.source is None:
            raise ValueError("source: bb84-decoy needs the source {mu, nu, repetition_rate}")
        if self.decoys is None:
            raise ValueError("decoys: bb84-decoy needs [nu, vacuum] or infinite")
        if self.decoys != "infinite":
            if sorted(self.decoys) != ["nu", "vacuum"]:
                raise ValueError(f"decoys: [nu, vacuum] or infinite, got {list(self.decoys)}")
            if self.source.nu is None:
                raise ValueError("source.nu: decoys [nu, vacuum] need the weak decoy's mean "
                                 "photon number nu")
        elif self.source.nu is not None:
            raise ValueError("source.nu: decoys: infinite sends no weak decoy, so nu would be "
                             "ignored (remove it or use decoys: [nu, vacuum])")
        if self.finite_key is not None and self.decoys == "infinite":
            raise ValueError("finite_key: the finite-key bound (Lim et al. 2014) estimates "
                             "the single photons from the decoys: use decoys: [nu, vacuum]")
        if (self.pulses is None) == (self.duration is None):
            raise ValueError("pulses: give either pulses or duration (how many pulses are "
                             "sent), not both and not neither")
        for field in ("pairs", "min_fidelity", "deadline", "priority"):
            if field in self.model_fields_set:
                raise ValueError(f"{field}: bb84-decoy sends pulses over a fiber link "
                                 f"(pulses or duration); {field} is a bbm92 field")

    def _check_bbm92(self) -> None:
        if self.relay is not None:
            raise ValueError("relay: bbm92 measures pairs delivered end to end (no trusted "
                             "node holds the key); relay is a bb84-decoy field")
        for field in ("source", "decoys", "pulses", "duration"):
            if getattr(self, field) is not None:
                raise ValueError(f"{field}: bbm92 measures delivered pairs; {field} is a "
                                 "bb84-decoy field (give pairs)")
        if self.misalignment != 0.0:
            raise ValueError("misalignment: bbm92 takes its errors from the delivered pairs' "
                             "states; misalignment is a bb84-decoy field")
        if "pairs" not in self.model_fields_set:
            raise ValueError("pairs: bbm92 needs the number of pairs to measure")

    @property
    def pulse_count(self) -> int:
        """Pulses sent (bb84-decoy): ``pulses``, or ``duration * repetition_rate``."""
        if self.pulses is not None:
            return int(self.pulses)
        assert self.duration is not None and self.source is not None
        return max(1, int(round(float(self.duration) * float(self.source.repetition_rate))))

    @property
    def epsilon(self) -> float | None:
        """The secrecy parameter (``None``: asymptotic)."""
        return None if self.finite_key is None else float(self.finite_key.epsilon)


class QkdPairsSpec(PairRequestSpec):
    """The pair request that serves a bbm92 request in one run (built by the engines, not
    written): ``qkd`` is the request as written; the delivered pairs are recorded here (or,
    by the analytic engine, their expected mean Bell vector)."""

    kind: Literal["qkd"] = "qkd"
    qkd: QkdRequestSpec
    _pairs: list[Any] = PrivateAttr(default_factory=list)
    _expected: Any | None = PrivateAttr(None)

    def record(self, bell_vector: Any) -> None:
        """Keep the Bell vector of one delivered pair for the measurement after the run."""
        self._pairs.append(bell_vector)

    def recorded(self) -> list[Any]:
        """The Bell vectors of the delivered pairs, in delivery order."""
        return list(self._pairs)

    def expect(self, bell_vector: Any) -> None:
        """Keep the expected mean Bell vector of the delivered pairs (an engine that
        computes expectations, instead of :meth:`record`)."""
        self._expected = bell_vector

    def expected(self) -> Any | None:
        """The expected mean Bell vector of the delivered pairs, ``None`` if no engine
        gave it."""
        return self._expected
