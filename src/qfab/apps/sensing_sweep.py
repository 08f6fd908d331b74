"""Phase uncertainty of a GHZ star against the number of sensors (closed forms).

:func:`sensing_sweep` tabulates, for each number of sensors ``N`` and pair fidelity ``F``,
the GHZ state fused from Werner pairs at a hub, its parity visibility and phase uncertainty
for ``shots`` interrogations at the working point, beside the standard quantum limit and the
Heisenberg limit of the same sensors and shots (:mod:`qfab.physics.ghz_sensing`);
``examples/sensing/ghz_vs_n.py`` plots it. A scenario's ``kind: sensing`` request gives the
same figures for the pairs its network actually delivers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qfab.physics import ghz_sensing as ghz

__all__ = ["SensingPoint", "sensing_sweep"]


@dataclass(frozen=True)
class SensingPoint:
    """One point of the sweep: ``sensors`` sensors sharing pairs of fidelity ``fidelity``.

    Attributes
    ----------
    sensors, fidelity, pairs
        ``N``, the Werner pairs' fidelity and their number (``N - 1`` with the hub a
        sensor, ``N`` without).
    ghz_fidelity, parity_visibility
        Of the fused state, the visibility including the interrogation's coherence factor.
    phase_uncertainty, sql_uncertainty, heisenberg_uncertainty
        ``1/(N V sqrt(nu))``, ``1/sqrt(N nu)``, ``1/(N sqrt(nu))`` (rad).
    gain_db
        ``10 log10(N V^2)``: positive where the GHZ state beats the standard quantum limit.
    """

    sensors: int
    fidelity: float
    pairs: int
    ghz_fidelity: float
    parity_visibility: float
    phase_uncertainty: float
    sql_uncertainty: float
    heisenberg_uncertainty: float
    gain_db: float


def sensing_sweep(sensors: Iterable[int] = range(2, 13),
                  fidelities: Iterable[float] = (1.0, 0.99, 0.97, 0.95), *,
                  shots: int = 1000, hub_is_sensor: bool = False,
                  qubit_coherence: float = 1.0) -> list[SensingPoint]:
    """Phase uncertainty of ``N`` sensors sharing a GHZ state fused from Werner pairs.

    Parameters
    ----------
    sensors
        Numbers of sensors ``N`` (each ``>= 2``).
    fidelities
        Fidelity of every Bell pair, in ``[0, 1]``.
    shots
        Interrogations ``nu``.
    hub_is_sensor
        Whether the hub keeps a qubit (``N - 1`` pairs) or measures it out (``N`` pairs).
    qubit_coherence
        Transverse decay ``lambda`` of each sensor's qubit over the interrogation
        (``e^{-t/T2}``): the coherence factor is ``lambda^N``.

    Returns
    -------
    list of SensingPoint
        One per fidelity and ``N``, fidelities outermost.

    Examples
    --------
    >>> [round(p.gain_db, 4) for p in sensing_sweep([3], [0.9], hub_is_sensor=True)]
    [2.2853]
    """
    points = []
    for fidelity in fidelities:
        for n in sensors:
            pairs = n - 1 if hub_is_sensor else n
            coherence = float(ghz.coherence_factor([qubit_coherence] * n))
            visibility = coherence * float(ghz.werner_parity_visibility(fidelity, pairs))
            points.append(SensingPoint(
                sensors=n, fidelity=float(fidelity), pairs=pairs,
                ghz_fidelity=float(ghz.werner_ghz_fidelity(fidelity, n,
                                                           hub_is_sensor=hub_is_sensor)),
                parity_visibility=visibility,
                phase_uncertainty=float(ghz.phase_uncertainty(n, visibility, shots)),
                sql_uncertainty=float(ghz.sql_uncertainty(n, shots)),
                heisenberg_uncertainty=float(ghz.heisenberg_uncertainty(n, shots)),
                gain_db=float(ghz.gain_db(n, visibility))))
    return points
