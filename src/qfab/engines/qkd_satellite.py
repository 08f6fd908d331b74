"""Decoy-state BB84 over a satellite pass (``kind: satellite``, ``mode: downlink`` or
``uplink``): the expected key of the analytic engine and the sampled, post-processed key of
the event simulation.

Alice sends at the source's ``repetition_rate`` from the request's ``start`` whenever the link
is up (its slices, :func:`qfab.links.satellite_pulses.pulse_channel_pass`), until ``pulses``
(or ``duration`` of sending time, at the repetition rate) have gone or the run ends. Slice
``i`` carries ``N_i`` pulses through transmittance ``eta_i`` with background ``Y0_i``.

* analytic, asymptotic: ``sum_i N_i R(eta_i, Y0_i)`` with the key per pulse
  ``R`` of :func:`qfab.physics.qkd.bb84_decoy_key_rate` (GLLP with the infinite-decoy or the
  vacuum + weak estimates; with decoys the signal's share ``p_mu`` of the pulses);
* analytic, ``finite_key``: the expected counts per intensity of every slice
  (:func:`qfab.physics.qkd.lim2014_expected_counts`) summed over the pass, and the
  Lim et al. 2014 length of those totals (:func:`qfab.physics.qkd.lim2014_expected_length`):
  one privacy amplification over the pass, as the Micius downlink did (Liao et al.,
  Nature 549, 43 (2017));
* des: each slice's pulses sampled with :func:`qfab.qkd.pulses.sample_bb84_pass`, the raw
  record of the pass concatenated and post-processed by one session, as for a fiber link
  (its key length from the estimates of the whole pass).

The asymptotic analytic key sums per-slice rates; the des session estimates the
single-photon share and phase error once over the pass, which by the concavity of the
binary entropy gives a slightly different length: the two agree on the sifted bits and the
QBER (which add over slices) and on the key to within that difference.

The row reports the pass totals: ``pulses`` sent, the signal's ``gain`` and ``qber``,
``sifted_bits``, ``final_key_bits``, ``key_rate_bps`` (the final key over the run from the
request's start to its end: what the pass yields per second of the run),
``key_bits_per_pulse`` (per pulse sent), ``plob_bits_per_pulse`` (the PLOB bound of each
slice's channel, averaged over the pulses sent), ``waited_s`` (from the request's start to
the first pulse) and ``note`` (when the link is not up again before the run ends).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from qfab.engines.qkd import (
    P_Z,
    _intensities,
    _ordered,
    _post_process,
)
from qfab.engines.result import RequestResult
from qfab.links.satellite_pulses import PulseChannelPass, pulse_channel_pass
from qfab.physics.bounds import plob_bound
from qfab.physics.qkd import (
    bb84_decoy_key_rate,
    lim2014_expected_counts,
    lim2014_expected_length,
    wcp_gain,
    wcp_qber,
)
from qfab.spec.links_satellite import SatelliteLinkSpec
from qfab.spec.models import ScenarioSpec
from qfab.spec.qkd import QkdRequestSpec

if TYPE_CHECKING:
    from qfab.qkd.session import SessionResult

__all__ = ["PassPlan", "bb84_over_pass", "pass_plan"]

IntArray = NDArray[np.int64]


class PassPlan:
    """The pulses Alice sends in each slice of a pass and when.

    Attributes
    ----------
    channel : PulseChannelPass
        The pass's slices.
    pulses : numpy.ndarray of int64
        Pulses sent per slice.
    first_s, last_s : float or None
        Time of the first pulse and just after the last one (``None``: none sent).
    waited_s : float
        From the request's start to the first pulse (or to the end of the run).
    note : str or None
        Why no pulse went out, when the link is down from the start to the end of the run.
    """

    def __init__(self, channel: PulseChannelPass, pulses: IntArray, first_s: float | None,
                 last_s: float | None, waited_s: float, note: str | None) -> None:
        self.channel = channel
        self.pulses = pulses
        self.first_s = first_s
        self.last_s = last_s
        self.waited_s = waited_s
        self.note = note

    @property
    def total(self) -> int:
        """Pulses sent over the pass."""
        return int(self.pulses.sum())


def pass_plan(channel: PulseChannelPass, request: QkdRequestSpec, *, duration: float,
              index: int) -> PassPlan:
    """Pulses per slice: at the repetition rate ``f`` from the request's start while the link
    is up, at times ``start + k / f``, until ``request.pulse_count`` have gone."""
    assert request.source is not None
    rate = float(request.source.repetition_rate)
    start = float(request.start)
    begin = np.maximum(channel.starts, start)
    end = channel.ends
    grid = np.ceil((np.maximum(end, begin) - start) * rate - 1e-9) \
        - np.ceil((begin - start) * rate - 1e-9)
    counts = np.maximum(grid, 0).astype(np.int64)
    cap = int(request.pulse_count)
    before = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    counts = np.clip(cap - before, 0, counts).astype(np.int64)
    sending = np.flatnonzero(counts)
    up = np.flatnonzero(end > start)
    first_up = float(begin[up[0]]) if up.size else math.inf
    note = None
    if first_up >= duration:
        a, b = channel.satellite, channel.station
        when = ("no pass is left in its schedule" if math.isinf(first_up) else
                f"it is next up at {first_up:.6g} s")
        note = (f"links[{index}] ({a} - {b}) is down from the request's start ({start:.6g} s) "
                f"to the end of the run ({duration:.6g} s); {when}")
    waited = max(min(first_up, duration) - start, 0.0)
    if not sending.size:
        return PassPlan(channel, counts, None, None, waited, note)
    last = int(sending[-1])
    return PassPlan(channel, counts, float(begin[sending[0]]),
                    float(begin[last]) + float(counts[last]) / rate, waited, note)


def bb84_over_pass(spec: ScenarioSpec, request: QkdRequestSpec, index: int,
                   link: SatelliteLinkSpec, *, sampled: bool, rng: np.random.Generator
                   ) -> tuple[RequestResult, SessionResult | None]:
    """The row of a bb84-decoy request over ``spec.links[index]`` (see the module docstring):
    expected (``sampled`` false: no session) or sampled and post-processed."""
    channel = pulse_channel_pass(link, spec, index)
    plan = pass_plan(channel, request, duration=float(spec.duration), index=index)
    if sampled:
        fields, detected, session = _sampled(request, plan, rng)
    else:
        fields, detected = _expected(request, plan)
        session = None
    return _row(spec, request, plan, fields, detected), session


def _expected(request: QkdRequestSpec, plan: PassPlan) -> tuple[dict[str, Any], int]:
    """Expected pass totals (module docstring)."""
    mus, probs = _intensities(request)
    n = plan.pulses.astype(np.float64)
    eta, y0 = plan.channel.eta, plan.channel.background
    e_d = float(request.misalignment)
    f = float(request.error_correction_efficiency)
    mu = float(mus[0])
    gains = np.asarray(wcp_gain(mus[None, :], eta[:, None], y0[:, None]),
                       dtype=np.float64).reshape(eta.size, mus.size)
    signal_qber = np.asarray(wcp_qber(mu, eta, y0, e_d), dtype=np.float64).reshape(eta.size)
    if request.epsilon is not None:
        totals = [np.zeros(mus.size) for _ in range(4)]
        for count, e, b in zip(n, eta, y0):
            if count > 0:
                for total, part in zip(totals, lim2014_expected_counts(
                        count, float(e), float(b), e_d, mus, probs, P_Z, P_Z)):
                    total += part
        n_z, m_z, n_x, m_x = totals
        key = max(lim2014_expected_length(n_z, m_z, n_x, m_x, mus, probs, f,
                                          epsilon_sec=request.epsilon), 0.0) \
            if n.sum() > 0 else 0.0
        sifted = P_Z * P_Z * float(np.sum(n[:, None] * probs[None, :] * gains))
    else:
        decoys: Literal["infinite", "vacuum+weak"] = \
            "infinite" if request.decoys == "infinite" else "vacuum+weak"
        nu = float(mus[1]) if decoys == "vacuum+weak" else None
        share = 1.0 if decoys == "infinite" else float(probs[0])
        rates = np.array([share * float(bb84_decoy_key_rate(float(e), float(b), e_d, f, mu,
                                                            decoys=decoys, nu=nu))
                          if count > 0 else 0.0 for count, e, b in zip(n, eta, y0)])
        key = float(np.sum(n * np.maximum(rates, 0.0)))
        sifted = 0.5 * share * float(np.sum(n * gains[:, 0]))
    signal_pulses = float(probs[0]) * float(n.sum())
    signal_detected = float(probs[0]) * float(np.sum(n * gains[:, 0]))
    fields = {"gain": signal_detected / signal_pulses if signal_pulses else None,
              "qber": float(np.sum(n * gains[:, 0] * signal_qber)
                            / np.sum(n * gains[:, 0])) if signal_detected else None,
              "sifted_bits": sifted, "final_key_bits": key,
              "key_bits_per_pulse": key / float(n.sum()) if n.sum() else None,
              "secret_fraction": key / sifted if sifted > 0 else None,
              "keys_match": None,
              "abort_reason": None if key > 0 else "no secret key over the pass"}
    detected = round(float(np.sum(n[:, None] * probs[None, :] * gains)))
    return fields, detected


def _sampled(request: QkdRequestSpec, plan: PassPlan, rng: np.random.Generator
             ) -> tuple[dict[str, Any], int, SessionResult]:
    """Sampled pulses slice by slice, one session over the pass (module docstring)."""
    from qfab.qkd.pulses import sample_bb84_pass

    mus, probs = _intensities(request)
    record = sample_bb84_pass(plan.pulses, mus, probs, eta=plan.channel.eta,
                              background=plan.channel.background,
                              misalignment=float(request.misalignment), rng=rng)
    fields, session = _post_process(request, record, mus, probs, rng, float(plan.total))
    return fields, record.detections, session


def _row(spec: ScenarioSpec, request: QkdRequestSpec, plan: PassPlan, fields: dict[str, Any],
         detected: int) -> RequestResult:
    source = request.source
    assert source is not None
    total = plan.total
    run = float(spec.duration) - float(request.start)
    sending = None if plan.first_s is None or plan.last_s is None \
        else plan.last_s - plan.first_s
    plob = float(np.sum(plan.pulses * np.asarray(plob_bound(plan.channel.channel),
                                                  dtype=np.float64)) / total) if total else None
    final = fields.get("final_key_bits")
    fields = {"protocol": request.protocol, "pulses": total, "mu": source.mu, **fields,
              "key_rate_bps": float(final) / run if final is not None and run > 0 else None,
              "plob_bits_per_pulse": plob, "chsh": None}
    return RequestResult(
        between=request.between, requested=int(request.pulse_count), delivered=detected,
        rate_hz=detected / sending if sending else None, fidelity=None, fidelity_ci95=None,
        latency_s=None, target_met=None, path=list(request.between), kind="qkd",
        name=request.name, completion_s=plan.last_s, extra=_ordered(fields),
        waited_s=plan.waited_s, note=plan.note)
