"""What a column of a results table holds: a readable name, a display unit and scale, and
whether the PLOB bound is comparable with it.

Sweep tables (:mod:`qfab.experiments.stats`) have result columns (``r0_rate_hz``,
``l0_p_success``, ``sim_time_s``, ...) and one column per swept path
(``links[0].length``, ``nodes.alice.memory.t2``), holding SI values. :func:`describe`
maps a column name to a :class:`Quantity`; a name it does not know is shown as it is, with
no unit and no conversion.

>>> describe("r0_rate_hz").label
'request 0 rate (Hz)'
>>> describe("links[0].length").label, describe("links[0].length").scale
('links[0].length (km)', 0.001)
>>> describe("l0_p_success").plob
'no'
>>> describe("r0_rate_hz_mean").label
'request 0 rate, mean over seeds (Hz)'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["PlobComparison", "Quantity", "describe"]

#: How a column compares with the PLOB bound (bits, or pairs, per channel use):
#: ``"rate"``: pairs or bits per second, comparable once the bound is multiplied by the
#: channel uses per second; ``"per_use"``: per channel use, comparable as it is; ``"no"``: a
#: different quantity (a probability per attempt, a fidelity, a time, a count);
#: ``"unknown"``: a column this module does not know (taken as the user says).
PlobComparison = Literal["rate", "per_use", "no", "unknown"]


@dataclass(frozen=True)
class Quantity:
    """A column as a plot shows it.

    Attributes
    ----------
    name
        Readable name (``"request 0 rate"``, ``"links[0].length"``).
    unit
        Display unit (``"Hz"``, ``"km"``), empty for a dimensionless or unknown quantity.
    scale
        Factor from the column's SI values to the display unit (``1e-3`` for metres shown
        in km).
    plob
        How it compares with the PLOB bound (:data:`PlobComparison`).
    dimension
        ``"length"`` for fibre lengths (what the PLOB overlay needs on the x axis), else the
        kind of quantity (``"time"``, ``"rate"``, ``"probability"``, ``"count"``, ...), or
        ``None`` when unknown.
    """

    name: str
    unit: str = ""
    scale: float = 1.0
    plob: PlobComparison = "unknown"
    dimension: str | None = None

    @property
    def label(self) -> str:
        """Axis label: the name, and the unit in parentheses when there is one."""
        return f"{self.name} ({self.unit})" if self.unit else self.name


_NOT: PlobComparison = "no"

#: Last segment of a swept path (or a plain column name) -> unit, scale, dimension.
_FIELDS: dict[str, tuple[str, float, str]] = {
    **{name: ("km", 1e-3, "length") for name in ("length", "spacing")},
    **{name: ("s", 1.0, "time") for name in (
        "t1", "t2", "coherence_time", "cycle_time", "duration", "window", "start",
        "deadline", "cutoff", "time")},
    **{name: ("Hz", 1.0, "frequency") for name in ("dark_count_rate",)},
    "attenuation": ("dB/km", 1e3, "attenuation"),
    "speed": ("km/s", 1e-3, "speed"),
    **{name: ("", 1.0, "probability") for name in (
        "fidelity", "success_probability", "p_success", "efficiency", "bright_state",
        "visibility", "measurement_error", "depolarization", "swap_success")},
    **{name: ("", 1.0, "count") for name in ("qubits", "pairs", "nodes", "rounds",
                                             "purification_rounds", "seed")},
}

#: Result columns of :func:`qfab.experiments.stats.result_row` (``{i}``: the request).
_RESULTS: dict[str, Quantity] = {
    "wall_time_s": Quantity("wall time", "s", plob=_NOT, dimension="time"),
    "sim_time_s": Quantity("simulated time", "s", plob=_NOT, dimension="time"),
    "events": Quantity("events", plob=_NOT, dimension="count"),
    "rate_hz": Quantity("rate", "Hz", plob="rate", dimension="rate"),
    "l0_rate_hz": Quantity("link 0 pair rate", "Hz", plob="rate", dimension="rate"),
    "l0_fidelity": Quantity("link 0 fidelity", plob=_NOT, dimension="probability"),
    "l0_p_success": Quantity("link 0 success probability per attempt", plob=_NOT,
                             dimension="probability"),
}
_REQUEST = re.compile(r"^r(\d+)_(rate_hz|fidelity|delivered)$")
#: A qkd request's columns (:mod:`qfab.experiments.stats`): name, unit, PLOB comparison,
#: dimension.
_QKD = re.compile(r"^r(\d+)_(qber|key_bits_per_pulse|key_rate_bps|secret_fraction|chsh|"
                  r"final_key_bits|plob_bits_per_pulse)$")
_QKD_COLUMNS: dict[str, tuple[str, str, PlobComparison, str]] = {
    "qber": ("QBER", "", "no", "probability"),
    "key_bits_per_pulse": ("secret key per pulse", "bits per channel use", "per_use",
                           "per_use"),
    "key_rate_bps": ("secret key rate", "bit/s", "rate", "rate"),
    "secret_fraction": ("secret fraction", "", "no", "probability"),
    "chsh": ("CHSH S", "", "no", "value"),
    "final_key_bits": ("final key", "bits", "no", "count"),
    "plob_bits_per_pulse": ("PLOB bound of the link", "bits per channel use", "per_use",
                            "per_use"),
}
_ARRIVALS = re.compile(r"^a(\d+)_(offered|completed|pairs_delivered|latency_mean_s|"
                       r"latency_p95_s|fidelity)$")
#: What each arrival-process column holds: name, unit, dimension.
_ARRIVAL_COLUMNS = {
    "offered": ("requests offered", "", "count"),
    "completed": ("requests completed", "", "count"),
    "pairs_delivered": ("pairs delivered", "", "count"),
    "latency_mean_s": ("mean request latency", "s", "time"),
    "latency_p95_s": ("95th-percentile request latency", "s", "time"),
    "fidelity": ("fidelity", "", "probability"),
}
_PER_USE = re.compile(r"_per_(channel_)?use$")
_INDEX = re.compile(r"\[\d+\]$")


#: Suffixes of :func:`qfab.experiments.stats.summarize`'s columns.
_SUMMARY = re.compile(r"^(?P<column>.+)_(?P<statistic>mean|stderr|count)$")


def describe(column: str) -> Quantity:
    """The :class:`Quantity` a results column holds (its name shown as is if unknown).

    Summary columns (``r0_rate_hz_mean``, ``..._stderr``, ``..._count``) are described from
    the column they summarize: the mean keeps its unit and its comparison with the PLOB
    bound; the standard error keeps the unit only; the count is a count.
    """
    summary = _SUMMARY.match(column)
    if summary is not None:
        base = _describe(summary["column"])
        if base.name != summary["column"] or base.unit:  # a known column
            statistic = summary["statistic"]
            if statistic == "mean":
                return Quantity(f"{base.name}, mean over seeds", base.unit, base.scale,
                                base.plob, base.dimension)
            if statistic == "stderr":
                return Quantity(f"{base.name}, standard error", base.unit, base.scale,
                                _NOT, base.dimension)
            return Quantity(f"{base.name}, runs", plob=_NOT, dimension="count")
    return _describe(column)


def _describe(column: str) -> Quantity:
    if column in _RESULTS:
        return _RESULTS[column]
    request = _REQUEST.match(column)
    if request is not None:
        index, what = request.groups()
        if what == "rate_hz":
            return Quantity(f"request {index} rate", "Hz", plob="rate", dimension="rate")
        if what == "fidelity":
            return Quantity(f"request {index} fidelity", plob=_NOT, dimension="probability")
        return Quantity(f"request {index} pairs delivered", plob=_NOT, dimension="count")
    qkd = _QKD.match(column)
    if qkd is not None:
        index, what = qkd.groups()
        name, unit, plob, dimension = _QKD_COLUMNS[what]
        return Quantity(f"request {index} {name}", unit, plob=plob, dimension=dimension)
    arrivals = _ARRIVALS.match(column)
    if arrivals is not None:
        index, what = arrivals.groups()
        name, unit, dimension = _ARRIVAL_COLUMNS[what]
        return Quantity(f"arrivals[{index}] {name}", unit, plob=_NOT, dimension=dimension)
    if _PER_USE.search(column):
        return Quantity(column.replace("_", " "), "per channel use", plob="per_use",
                        dimension="per_use")
    field = _INDEX.sub("", column.rsplit(".", 1)[-1]).lower()
    if field == "rate" and "." in column:  # an arrival process's rate (arrivals[0].rate)
        return Quantity(column, "Hz", plob=_NOT, dimension="frequency")
    if field in _FIELDS:
        unit, scale, dimension = _FIELDS[field]
        return Quantity(column, unit, scale, plob=_NOT, dimension=dimension)
    if field.endswith("length"):
        return Quantity(column, "km", 1e-3, plob=_NOT, dimension="length")
    return Quantity(column)
