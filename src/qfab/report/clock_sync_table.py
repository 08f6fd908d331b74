"""The clock-sync block of ``qfab run``'s text output: one row per clock-sync request, then
its TDEV, error budget and baselines (a note that the target is out of reach is printed
with the other requests' notes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qfab.engines.result import RequestResult
from qfab.report.table import Grid, request_label

__all__ = ["clock_sync_grid", "clock_sync_lines"]


def _ps(value: Any) -> str:
    """Seconds shown in picoseconds (``"-"`` for none)."""
    return "-" if value is None else f"{float(value) * 1e12:.4g}"


def _s(value: Any) -> str:
    """A number; per direction (a satellite pass: ``{downlink, uplink}``) as ``down/up``."""
    if isinstance(value, dict):
        return "/".join(_s(item) for item in value.values())
    return "-" if value is None else f"{float(value):.4g}"


def clock_sync_grid(requests: Sequence[RequestResult]) -> Grid | None:
    """The clock-sync requests' figures; ``None`` without a clock-sync request."""
    rows = []
    for request in requests:
        if request.kind != "clock_sync":
            continue
        extra = request.extra
        met = {True: "yes", False: "NO", None: "-"}[request.target_met]
        rows.append([request_label(request), _s(extra.get("coincidence_rate_hz")),
                     _s(extra.get("accidental_rate_hz")), _s(extra.get("averaging_time_s")),
                     _ps(extra.get("precision_s")), _ps(extra.get("bias_s")),
                     _ps(extra.get("target_s")), _s(extra.get("time_to_target_s")), met])
    if not rows:
        return None
    return Grid(["clock sync", "coinc./dir (Hz)", "accid. (Hz)", "tau (s)", "TDEV (ps)",
                 "bias (ps)", "target (ps)", "to target (s)", "met"], rows)


def clock_sync_lines(requests: Sequence[RequestResult]) -> list[str]:
    """Per clock-sync request: its TDEV curve, error budget and baselines."""
    lines: list[str] = []
    for request in requests:
        if request.kind != "clock_sync":
            continue
        extra = request.extra
        label = request_label(request)
        tdev = extra.get("tdev") or []
        if tdev:
            lines.append(f"{label}: TDEV " + ", ".join(
                f"{tau:.3g} s {dev * 1e12:.3g} ps" for tau, dev in tdev))
        elif extra.get("slices") is not None:  # a satellite pass
            lines.append(f"{label}: over the pass ({len(extra['slices'])} slices, "
                         f"{_s(extra.get('averaging_time_s'))} s of coincidences, downlink/"
                         f"uplink): precision {_ps(extra.get('precision_s'))} ps")
        budget = extra.get("error_budget") or {}
        if budget:
            lines.append(f"{label}: error budget at {_s(extra.get('averaging_time_s'))} s: "
                         + ", ".join(f"{name} {share:.1%}" for name, share in budget.items()
                                     if share > 0))
        baselines = extra.get("baselines") or []
        if baselines:
            lines.append(f"{label}: baselines: " + "; ".join(
                f"{item['name']} ~{_ps(item['tdev_s'])} ps" for item in baselines))
    return lines
