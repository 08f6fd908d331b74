"""What the metro and WAN tiers share: spans with a pair source at the midpoint and multimode
rare-earth memories at both ends that absorb the photons and hold them (asynchronous
staging; the architecture of Simon et al., PRL 98, 190503 (2007))."""

from __future__ import annotations

from typing import Any

__all__ = ["afc_memory", "source_span"]


def afc_memory(preset: str, modes: int) -> dict[str, Any]:
    """An on-demand AFC memory document from the catalog ``preset`` (its spin-wave coherence
    time) with the comb of ``examples/midpoint_afc.yaml``: optical depth 20, finesse 10,
    backward recall (0.6971, Afzelius et al., PRA 79, 052329 (2009)), 10 us echo, two
    transfer pulses of 0.9; ``modes`` temporal modes per qubit."""
    return {"kind": "afc", "preset": preset, "optical_depth": 20, "finesse": 10,
            "recall": "backward", "echo_time": "10 us", "modes": modes,
            "on_demand": {"transfer_efficiency": 0.9}}


def source_span(a: str, b: str, length: float, *, fiber: dict[str, Any], mean_pairs: float,
                fidelity: float, absorption: float, cycle_time: float,
                detector: str) -> dict[str, Any]:
    """A ``midpoint_source`` link document between ``a`` and ``b`` (its modes: the smaller
    mode capacity of the two memories)."""
    return {"kind": "midpoint_source", "between": [a, b], "length": length,
            "cycle_time": cycle_time, "fiber": dict(fiber),
            "source": {"mean_pairs": mean_pairs, "fidelity": fidelity},
            "absorption_efficiency": absorption,
            "detector": {"preset": detector, "window": "1 ns"}}
