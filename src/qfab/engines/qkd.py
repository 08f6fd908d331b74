"""QKD requests and fiber links in every engine: the key rates, the sampled pulses, the
post-processing.

A scenario with ``kind: fiber`` links or ``kind: qkd`` requests is served in two parts:

- the *network part* (the scenario without its pulse channels, fiber links and
  prepare-and-measure satellite links, and its bb84-decoy requests,
  each bbm92 request turned into the pair request :class:`~qfab.spec.qkd.QkdPairsSpec`)
  runs on the engine as any scenario does;
- each ``bb84-decoy`` request is computed here over its fiber link (or over a satellite
  pass, ``mode: downlink`` or ``uplink``: :mod:`qfab.engines.qkd_satellite`): the expected key
  rate (engine ``analytic``, :mod:`qfab.physics.qkd`) or sampled pulses
  (:func:`qfab.qkd.pulses.sample_bb84`) post-processed by :func:`qfab.qkd.session.run_session`
  (engine ``des``);
- after a des run, the pairs delivered to each bbm92 request are measured in random bases
  (errors from each pair's Bell vector, :func:`qfab.physics.qkd_channel.bell_diagonal_qber`)
  and post-processed the same way;
- after an analytic run, each bbm92 request gets the expected figures of its pairs' mean
  Bell vector (which the analytic engine knows exactly wherever it serves the pair
  request; it refuses the rest, naming the field): the QBER and CHSH value of that
  vector, the expected sifted bits and the key length of the same formulas as des.

The fast engine refuses QKD requests. Keys never leave this module: results carry their
lengths and whether both ends' keys match.
"""

from __future__ import annotations

# the post-processing (qfab.qkd) is imported by the functions that run it, so that an
# engine running a scenario without qkd requests does not load it
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from qfab.engines.base import Support
from qfab.engines.network_part import network_part_support
from qfab.engines.qkd_recovery import effective_channel, receiver_recovery
from qfab.engines.result import LinkResult, NodeResult, RequestResult, RunResult
from qfab.errors import EngineError, QfabError, rewritten
from qfab.physics.bounds import plob_bound
from qfab.physics.detection import window_fraction
from qfab.physics.fiber import transmittance
from qfab.physics.qkd import (
    BB84_SIFTING,
    bb84_decoy_finite_key_rate,
    bb84_decoy_key_rate,
    bbm92_asymptotic_key_length,
    bbm92_finite_key_length,
    binary_entropy,
    lim2014_key_length,
    optimal_mu,
    vacuum_weak_decoy_bounds,
    wcp_gain,
    wcp_qber,
)
from qfab.physics.qkd_channel import bell_diagonal_chsh, bell_diagonal_qber, receiver_background
from qfab.rng import RandomStreams
from qfab.spec.links_satellite import SatelliteLinkSpec
from qfab.spec.models import FiberLinkSpec, ScenarioSpec, carries_pulses, fiber_chain
from qfab.spec.qkd import QkdPairsSpec, QkdRequestSpec

if TYPE_CHECKING:
    from qfab.kms.store import KeyStore
    from qfab.qkd.pulses import PulseRecord
    from qfab.qkd.session import KeyLength, SessionConfig, SessionResult

__all__ = ["QKD_ENGINES", "FiberChannel", "fiber_channel", "involves_qkd", "qkd_run",
           "qkd_support"]

#: Engines that serve qkd requests (bbm92 in the analytic engine where it knows the delivered
#: pairs' mean Bell vector: its own support of the pair request decides).
QKD_ENGINES = {"bb84-decoy": frozenset({"analytic", "des"}),
               "bbm92": frozenset({"analytic", "des"})}

#: Basis choice probability of Alice and Bob (symmetric BB84).
P_Z = 0.5


def involves_qkd(spec: ScenarioSpec) -> bool:
    """Whether ``spec`` has a fiber link or a qkd request (served through this module)."""
    return any(carries_pulses(link) for link in spec.links) \
        or any(isinstance(request, QkdRequestSpec) for request in spec.requests)


@dataclass(frozen=True)
class FiberChannel:
    """What a fiber link does to Alice's pulses.

    Attributes
    ----------
    eta : float
        Transmittance to a click: fiber, detector efficiency, the jitter's window fraction.
    background : float
        ``Y0``, the probability of a click with no photon per window.
    channel : float
        The fiber's transmittance alone (the PLOB bound's ``eta``).
    """

    eta: float
    background: float
    channel: float


def fiber_channel(link: FiberLinkSpec) -> FiberChannel:
    """The channel of ``link``: :func:`~qfab.physics.fiber.transmittance`, the detector's
    efficiency and :func:`~qfab.physics.detection.window_fraction`, and the background
    (``dark_count_probability``, or :func:`~qfab.physics.qkd_channel.receiver_background`
    of the dark-count rate)."""
    detector = link.detector
    channel = float(transmittance(link.length, link.fiber.attenuation))
    eta = channel * float(detector.efficiency) * float(window_fraction(detector.window,
                                                                       detector.jitter))
    background = detector.dark_count_probability
    if background is None:
        background = float(receiver_background(detector.dark_count_rate, detector.window))
    return FiberChannel(eta=eta, background=float(background), channel=channel)


@dataclass(frozen=True)
class _Split:
    network: ScenarioSpec | None
    positions: list[int]  # original index of each network request
    link_positions: list[int]  # original index of each network link

    def renumbered(self, text: str) -> str:
        """``text`` with the network part's ``requests[k]`` and ``links[k]`` numbered as in
        the scenario as written."""
        def original(match: re.Match[str]) -> str:
            table = self.positions if match.group(1) == "requests" else self.link_positions
            index = int(match.group(2))
            return f"{match.group(1)}[{table[index]}]" if index < len(table) else match.group(0)

        return _REFERENCE.sub(original, text)

    def error(self, error: QfabError) -> QfabError:
        """``error`` of the network part, with the scenario's own numbering."""
        return rewritten(error, self.renumbered)


_REFERENCE = re.compile(r"\b(requests|links)\[(\d+)\]")


def _split(spec: ScenarioSpec) -> _Split:
    link_positions = [index for index, link in enumerate(spec.links)
                      if not carries_pulses(link)]
    links = [spec.links[index] for index in link_positions]
    requests: list[Any] = []
    positions: list[int] = []
    for index, written in enumerate(spec.requests):
        request: Any = written
        if isinstance(written, QkdRequestSpec):
            if written.protocol != "bbm92":
                continue
            request = QkdPairsSpec(between=request.between, pairs=request.pairs,
                                   start=request.start, deadline=request.deadline,
                                   priority=request.priority, name=request.name,
                                   min_fidelity=request.min_fidelity, qkd=request)
        requests.append(request)
        positions.append(index)
    if not links:
        return _Split(None, [], [])
    return _Split(spec.model_copy(update={"links": links, "requests": requests}), positions,
                  link_positions)


def qkd_support(spec: ScenarioSpec, engine: str,
                network_support: Callable[[ScenarioSpec], Support]) -> Support:
    """Whether ``engine`` serves every qkd request of ``spec`` and its network part."""
    return network_part_support(_protocol_support(spec, engine), lambda: _split(spec),
                                network_support)


def _protocol_support(spec: ScenarioSpec, engine: str) -> Support:
    """Whether ``engine`` serves the protocol of every qkd request of ``spec``."""
    for index, request in enumerate(spec.requests):
        if isinstance(request, QkdRequestSpec) and engine not in QKD_ENGINES[request.protocol]:
            why = ("the fast engine does not model QKD; use engine analytic or des"
                   if engine == "fast" else f"engine {engine} does not serve it")
            return Support.no(f"requests[{index}].protocol: {request.protocol}: {why}")
    return Support.yes()


def qkd_run(spec: ScenarioSpec, engine: str, seed: int,
            run_network: Callable[[ScenarioSpec], RunResult], *,
            traced: bool = False) -> RunResult:
    """Run ``spec`` on ``engine``: the network part with ``run_network``, the qkd requests
    here (see the module docstring). ``traced``: an event trace was asked for, which only
    the network part has."""
    started = time.perf_counter()
    _protocol_support(spec, engine).require()
    split = _split(spec)
    if traced and split.network is None:
        raise EngineError("trace: this scenario has only fiber links, whose pulses are "
                          "sampled in blocks, not simulated event by event: there are no "
                          "events to record")
    streams = RandomStreams(seed)
    try:
        network = None if split.network is None else run_network(split.network)
    except QfabError as error:
        raise split.error(error) from None
    store = _key_store() if engine == "des" else None
    rows: dict[int, RequestResult] = {}
    if network is not None and split.network is not None:
        for position, result, request in zip(split.positions, network.requests,
                                             split.network.requests):
            if isinstance(request, QkdPairsSpec):
                result = _bbm92_expected(request, result) if store is None else \
                    _bbm92_result(request, result, streams.stream(f"qkd:{position}"), store)
            rows[position] = result
    for index, request in enumerate(spec.requests):
        if isinstance(request, QkdRequestSpec) and request.protocol == "bb84-decoy":
            if request.relay is not None:
                rows[index] = _relayed(spec, request, index, streams, store)
            elif (satellite := _satellite_between(spec, *request.between)) is not None:
                from qfab.engines.qkd_satellite import bb84_over_pass

                row, session = bb84_over_pass(spec, request, *satellite, sampled=store is not None,
                                              rng=streams.stream(f"qkd:{index}"))
                rows[index] = row if store is None or session is None \
                    else _stored(row, _deposit(store, request.between, session))
            elif store is None:
                rows[index] = _bb84_analytic(request, _fiber_link(spec, request))
            else:
                row, session = _bb84_sampled(request, _fiber_link(spec, request),
                                             streams.stream(f"qkd:{index}"))
                rows[index] = _stored(row, _deposit(store, request.between, session))
    links = _links(spec, network)
    nodes = network.nodes if network is not None else [
        NodeResult(name=name, tier=node.tier, domain=None, qubits=node.memory.qubits,
                   utilization=None) for name, node in spec.nodes.items()]
    requests = [rows[index] for index in sorted(rows)]
    wall = time.perf_counter() - started
    if network is None:
        return RunResult(scenario=spec.name, engine=engine, seed=seed,
                         sim_time_s=None, wall_time_s=wall, events=None, links=links,
                         requests=requests, nodes=nodes, key_store=store)
    return replace(network, links=links, requests=requests, nodes=nodes, wall_time_s=wall,
                   key_store=store)


def _satellite_between(spec: ScenarioSpec, u: str,
                       v: str) -> tuple[int, SatelliteLinkSpec] | None:
    """The prepare-and-measure satellite link between ``u`` and ``v`` and its index."""
    for index, link in enumerate(spec.links):
        if isinstance(link, SatelliteLinkSpec) and link.prepare_measure \
                and set(link.between) == {u, v}:
            return index, link
    return None


def _fiber_link(spec: ScenarioSpec, request: QkdRequestSpec) -> FiberLinkSpec:
    return _fiber_between(spec, *request.between)


def _fiber_between(spec: ScenarioSpec, u: str, v: str) -> FiberLinkSpec:
    """The fiber link between ``u`` and ``v`` (of parallel ones, the shortest: the one
    :func:`~qfab.spec.models.fiber_chain` counted)."""
    links = [link for link in spec.links
             if isinstance(link, FiberLinkSpec) and set(link.between) == {u, v}]
    if not links:  # pragma: no cover
        raise AssertionError("validated: a bb84-decoy request has fiber links")
    return min(links, key=lambda link: float(link.length))


def _links(spec: ScenarioSpec, network: RunResult | None) -> list[LinkResult]:
    """The network run's link rows with a row of nulls for each fiber link, in spec order
    (a fiber link makes no attempts and no pairs)."""
    others = iter(network.links if network is not None else [])
    rows = []
    for link in spec.links:
        if carries_pulses(link):
            rows.append(LinkResult(between=link.between, attempts=None, successes=None,
                                   p_success=None, rate_hz=None, fidelity=None))
        else:
            rows.append(next(others))
    return rows


# ------------------------------------------------------------------------ bb84-decoy


def at_optimal_mu(request: QkdRequestSpec, link: FiberLinkSpec) -> QkdRequestSpec:
    """``request`` with ``source.mu: optimal`` replaced by the signal intensity that maximises
    the asymptotic decoy-state key rate on ``link`` (:func:`qfab.physics.qkd.optimal_mu`:
    Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), over the link's transmittance, background,
    misalignment and error-correction efficiency; the weak decoy bounds the search from
    below with ``decoys: [nu, vacuum]``). A request with a given ``mu`` comes back as it is.

    Raises
    ------
    EngineError
        When no intensity gives a positive key rate on the link.
    """
    source = request.source
    if source is None or source.mu != "optimal":
        return request
    channel = fiber_channel(link)
    decoys: Literal["infinite", "vacuum+weak"] = \
        "infinite" if request.decoys == "infinite" else "vacuum+weak"
    mu, rate = optimal_mu(channel.eta, channel.background, float(request.misalignment),
                          float(request.error_correction_efficiency), decoys=decoys,
                          nu=source.nu)
    if not (math.isfinite(mu) and rate > 0):
        a, b = request.between
        raise EngineError(f"source.mu: optimal (qkd request {a} - {b}): no signal intensity "
                          f"gives a positive key rate over the fiber link "
                          f"{link.between[0]} - {link.between[1]}")
    return request.model_copy(update={"source": source.model_copy(update={"mu": mu})})


def _intensities(request: QkdRequestSpec) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The intensities sent and their probabilities: the signal alone (decoys: infinite)
    or signal, weak decoy and vacuum."""
    source = request.source
    assert source is not None
    if request.decoys == "infinite":
        return np.array([source.mu]), np.array([1.0])
    assert source.nu is not None
    return (np.array([source.mu, source.nu, 0.0]),
            np.asarray(source.intensity_probabilities, dtype=np.float64))


def _bb84_row(request: QkdRequestSpec, link: FiberLinkSpec, *, detected: int,
              fields: dict[str, Any]) -> RequestResult:
    source = request.source
    assert source is not None
    pulses = request.pulse_count
    sending = pulses / float(source.repetition_rate)
    per_pulse = fields["key_bits_per_pulse"]
    channel = fiber_channel(link)
    fields = {"protocol": request.protocol, "pulses": pulses, "mu": source.mu, **fields,
              "key_rate_bps": None if per_pulse is None
              else per_pulse * float(source.repetition_rate),
              "plob_bits_per_pulse": float(plob_bound(channel.channel)),
              "chsh": None}
    return RequestResult(
        between=request.between, requested=pulses, delivered=detected,
        rate_hz=detected / sending if sending > 0 else None, fidelity=None,
        fidelity_ci95=None, latency_s=None, target_met=None,
        path=list(request.between), kind="qkd", name=request.name,
        completion_s=sending, extra=_ordered(fields))


_FIELDS = ("protocol", "pulses", "mu", "gain", "qber", "sifted_bits", "key_bits_per_pulse",
           "key_rate_bps", "secret_fraction", "chsh", "final_key_bits", "keys_match",
           "abort_reason", "plob_bits_per_pulse", "sampled_bits", "estimated_qber",
           "corrected_bits", "leak_ec_bits", "authentication_key_bits", "relay", "exposed_at",
           "consumed_bits", "relay_links", "stored_key_bits")


def _ordered(fields: dict[str, Any]) -> dict[str, Any]:
    ordered = {name: fields.get(name) for name in _FIELDS}
    if ordered["exposed_at"] is None:
        ordered["exposed_at"] = []  # end to end: no node but the two ends holds the key
    return ordered


def _bb84_analytic(request: QkdRequestSpec, link: FiberLinkSpec) -> RequestResult:
    """Expected figures: the asymptotic GLLP rate (Ma et al. 2005; the signal's share of
    the pulses with decoys) or the finite key of Lim et al. 2014."""
    request = at_optimal_mu(request, link)
    channel = fiber_channel(link)
    mus, probs = _intensities(request)
    # dead time and afterpulses: a live share of the pulses over an effective channel
    recovery = effective_channel(request, link, eta=channel.eta, background=channel.background,
                                 intensities=mus, probabilities=probs)
    eta, y0, e_d, live = (recovery.eta, recovery.background, float(request.misalignment),
                          recovery.live)
    f = float(request.error_correction_efficiency)
    pulses = request.pulse_count
    gains = live * np.asarray(wcp_gain(mus, eta, y0), dtype=np.float64)
    mu = float(mus[0])
    if request.epsilon is not None:
        rate = live * bb84_decoy_finite_key_rate(float(pulses) * live, eta, y0, e_d, f, mus,
                                                 probs, p_z=P_Z, epsilon_sec=request.epsilon)
        sifted = P_Z * P_Z * float(np.sum(probs * gains))
    elif request.decoys == "infinite":
        rate = live * float(bb84_decoy_key_rate(eta, y0, e_d, f, mu))
        sifted = 0.5 * float(gains[0])
    else:
        rate = live * float(probs[0]) * float(bb84_decoy_key_rate(eta, y0, e_d, f, mu,
                                                                  decoys="vacuum+weak",
                                                                  nu=float(mus[1])))
        sifted = 0.5 * float(probs[0]) * float(gains[0])
    fields = {"gain": float(gains[0]), "qber": float(wcp_qber(mu, eta, y0, e_d)),
              "sifted_bits": sifted * pulses, "key_bits_per_pulse": rate,
              "secret_fraction": rate / sifted if sifted > 0 else None,
              "final_key_bits": rate * pulses, "keys_match": None, "abort_reason": None}
    return _bb84_row(request, link, detected=round(float(np.sum(probs * gains)) * pulses),
                     fields=fields)


def _session_config(request: QkdRequestSpec) -> SessionConfig:
    """The session's parameters: ``finite_key.epsilon`` as its secrecy parameter; the LDPC
    code adapts its rate to the estimated QBER and the syndrome bits it sends are the leak
    (``error_correction_efficiency`` is the analytic engine's model of that leak)."""
    from qfab.qkd.session import SessionConfig

    return SessionConfig() if request.epsilon is None \
        else SessionConfig(epsilon_sec=request.epsilon)


def _bb84_sampled(request: QkdRequestSpec, link: FiberLinkSpec,
                  rng: np.random.Generator) -> tuple[RequestResult, SessionResult]:
    """Sampled pulses (:func:`~qfab.qkd.pulses.sample_bb84`), then the session (its keys
    are the caller's to hand to the key store)."""
    from qfab.qkd.pulses import sample_bb84

    request = at_optimal_mu(request, link)
    channel = fiber_channel(link)
    mus, probs = _intensities(request)
    pulses = request.pulse_count
    blind, afterpulse = receiver_recovery(request, link)
    record = sample_bb84(pulses, mus, probs, eta=channel.eta, background=channel.background,
                         misalignment=float(request.misalignment), rng=rng, blind=blind,
                         afterpulse_probability=afterpulse)
    fields, session = _post_process(request, record, mus, probs, rng, pulses)
    return _bb84_row(request, link, detected=record.detections, fields=fields), session


def _post_process(request: QkdRequestSpec, record: PulseRecord, mus: NDArray[np.float64],
                  probs: NDArray[np.float64], rng: np.random.Generator,
                  pulses: float) -> tuple[dict[str, Any], SessionResult]:
    """The session on a record of sampled pulses: the signal's gain and QBER and the
    session's fields (Lim et al. 2014 on the Z basis with ``finite_key``, else GLLP on the
    signal pulses), and the session (its keys are the caller's)."""
    from qfab.qkd.session import run_session

    matched = record.alice_bases == record.bob_bases
    detections = np.bincount(record.intensity, minlength=mus.size)
    sifted_counts, sifted_errors = record.counts(matched)
    if request.epsilon is not None:
        keep = matched & (record.alice_bases == 0)
        key_length: KeyLength = _lim_length(request, record, mus, probs)
    else:
        keep = matched & (record.intensity == 0)
        key_length = _gllp_length(request, record, mus)
    session = run_session(record.alice_bits[keep], record.alice_bases[keep],
                          record.bob_bits[keep], record.bob_bases[keep], rng=rng,
                          config=_session_config(request), key_length=key_length)
    signal = float(sifted_counts[0])
    fields = {"gain": float(detections[0] / record.pulses[0]) if record.pulses[0] else None,
              "qber": float(sifted_errors[0] / signal) if signal else None,
              **_session_fields(session, pulses)}
    return fields, session


def _lim_length(request: QkdRequestSpec, record: PulseRecord, mus: NDArray[np.float64],
                probs: NDArray[np.float64]) -> KeyLength:
    """Lim et al. 2014 on the observed counts: the Z-basis detections per intensity (the
    share the sample left, ``n / (n + k)``), the X-basis detections and errors."""
    assert request.epsilon is not None
    epsilon = request.epsilon
    n_z, _ = record.counts((record.alice_bases == 0) & (record.bob_bases == 0))
    n_x, m_x = record.counts((record.alice_bases == 1) & (record.bob_bases == 1))

    def length(n: int, k: int, qber: float, leak_ec: int) -> float:
        kept = n_z.astype(np.float64) * (n / (n + k))
        return float(lim2014_key_length(kept, n_x, m_x, mus, probs, leak_ec=float(leak_ec),
                                        epsilon_sec=epsilon).length)

    return length


def _gllp_length(request: QkdRequestSpec, record: PulseRecord,
                 mus: NDArray[np.float64]) -> KeyLength:
    """The asymptotic GLLP length ``n (Q1 / Q_mu) (1 - h(e1)) - leak_EC`` of ``n`` signal
    key bits: with ``decoys: infinite`` the single-photon share and error rate are those of
    the sampled pulses (what infinitely many decoys would measure); with ``[nu, vacuum]``
    the vacuum + weak bounds on the observed gains and error rates (Ma et al. 2005)."""
    matched = record.alice_bases == record.bob_bases
    signal = matched & (record.intensity == 0)
    errors = record.alice_bits != record.bob_bits
    if request.decoys == "infinite":
        single = signal & (record.photons == 1)
        share = float(single.sum()) / max(float(signal.sum()), 1.0)
        e1 = float((single & errors).sum()) / max(float(single.sum()), 1.0)
    else:
        detections = np.bincount(record.intensity, minlength=3).astype(np.float64)
        gains = detections / np.maximum(record.pulses, 1)
        sifted, wrong = record.counts(matched)
        e_nu = float(wrong[1] / sifted[1]) if sifted[1] else 0.5
        mu, nu = float(mus[0]), float(mus[1])
        y1, e1_bound = vacuum_weak_decoy_bounds(mu, nu, gains[0], gains[1], e_nu, gains[2])
        share = max(float(y1), 0.0) * mu * math.exp(-mu) / float(gains[0]) \
            if gains[0] > 0 else 0.0
        e1 = float(e1_bound)
    phase = min(max(e1, 0.0), 0.5)

    def length(n: int, k: int, qber: float, leak_ec: int) -> float:
        return n * min(share, 1.0) * (1.0 - float(binary_entropy(phase))) - leak_ec

    return length


def _session_fields(session: SessionResult, pulses: float) -> dict[str, Any]:
    """The result fields of a session: lengths and the comparison, never the keys."""
    keys_match = None if not session.ok else bool(
        session.alice_key is not None and session.bob_key is not None
        and np.array_equal(session.alice_key, session.bob_key))
    final = session.final_key_bits
    return {"sifted_bits": session.sifted_bits, "final_key_bits": final,
            "sampled_bits": session.sampled_bits,
            "estimated_qber": None if math.isnan(session.qber) else session.qber,
            "corrected_bits": session.key_bits_in, "leak_ec_bits": session.leak_ec,
            "authentication_key_bits": session.authentication_key_bits,
            "key_bits_per_pulse": final / pulses if pulses else None,
            "secret_fraction": final / session.sifted_bits if session.sifted_bits else None,
            "keys_match": keys_match, "abort_reason": session.reason}


# ----------------------------------------------------------------------------- bbm92


def _bbm92_result(request: QkdPairsSpec, row: RequestResult, rng: np.random.Generator,
                  store: KeyStore | None) -> RequestResult:
    """Measure the delivered pairs in random bases (Z or X at each end, 1/2 each), then
    the session (:func:`~qfab.physics.qkd.bbm92_finite_key_length` with ``finite_key``,
    else the asymptotic ``n (1 - h(Q)) - leak_EC``)."""
    from qfab.qkd.session import run_session

    qkd = request.qkd
    recorded = request.recorded()
    vectors = np.asarray(recorded, dtype=np.float64).reshape(len(recorded), 4)
    n = vectors.shape[0]
    q_z, q_x = bell_diagonal_qber(vectors)
    alice_bases = rng.integers(0, 2, n, dtype=np.uint8)
    bob_bases = rng.integers(0, 2, n, dtype=np.uint8)
    alice_bits = rng.integers(0, 2, n, dtype=np.uint8)
    error = np.where(alice_bases == 0, np.asarray(q_z), np.asarray(q_x))
    flip = rng.random(n) < error
    other = rng.integers(0, 2, n, dtype=np.uint8)
    bob_bits = np.where(alice_bases == bob_bases, alice_bits ^ flip.astype(np.uint8),
                        other).astype(np.uint8)
    key_length: KeyLength | None = None
    if qkd.epsilon is None:
        def key_length(n: int, k: int, qber: float, leak_ec: int) -> float:
            return float(bbm92_asymptotic_key_length(n, qber, leak_ec))
    session = run_session(alice_bits, alice_bases, bob_bits, bob_bases, rng=rng,
                          config=_session_config(qkd), key_length=key_length)
    matched = alice_bases == bob_bases
    sifted = int(matched.sum())
    fields = {"protocol": "bbm92", "pulses": None, "gain": None,
              "qber": float((alice_bits != bob_bits)[matched].sum() / sifted) if sifted
              else None,
              "chsh": float(bell_diagonal_chsh(vectors.mean(axis=0))) if n else None,
              **_session_fields(session, float(n)), "plob_bits_per_pulse": None}
    fields["key_bits_per_pulse"] = None  # a prepare-and-measure figure
    fields["key_rate_bps"] = None
    if row.rate_hz and row.delivered:
        active = row.delivered / row.rate_hz
        fields["key_rate_bps"] = fields["final_key_bits"] / active
    if store is not None:
        fields["stored_key_bits"] = _deposit(store, qkd.between, session)
    return replace(row, kind="qkd", extra={**row.extra, **_ordered(fields)})


def _bbm92_expected(request: QkdPairsSpec, row: RequestResult) -> RequestResult:
    """The expected figures of a bbm92 request from its pairs' mean Bell vector (the
    analytic engine's, :meth:`~qfab.spec.qkd.QkdPairsSpec.expected`).

    As :func:`_bbm92_result` measures them: the sifted bits are the delivered pairs times the
    sifting probability (:data:`~qfab.physics.qkd.BB84_SIFTING`, bases 1/2 each); the QBER
    is the mean of the Z- and X-basis error rates
    (:func:`~qfab.physics.qkd_channel.bell_diagonal_qber`); the CHSH value is
    :func:`~qfab.physics.qkd_channel.bell_diagonal_chsh` of the mean vector. The session
    discloses ``k = sample_fraction x sifted`` bits and corrects ``n`` = the rest, leaking
    ``f n h(Q)`` (``error_correction_efficiency``); the key length is
    :func:`~qfab.physics.qkd.bbm92_asymptotic_key_length`, or with ``finite_key``
    :func:`~qfab.physics.qkd.bbm92_finite_key_length`, at these expected counts. A QBER
    above the session's limit, or no positive length, gives no key (``abort_reason``).
    """
    qkd = request.qkd
    vector = request.expected()
    delivered = row.delivered
    fields: dict[str, Any] = {"protocol": "bbm92", "pulses": None, "gain": None,
                              "key_bits_per_pulse": None, "plob_bits_per_pulse": None,
                              "keys_match": None, "abort_reason": None}
    if vector is None or not delivered:
        fields.update(qber=None, chsh=None, sifted_bits=0.0, final_key_bits=0.0,
                      secret_fraction=None, key_rate_bps=None,
                      abort_reason="too few sifted bits")
        return replace(row, kind="qkd", extra={**row.extra, **_ordered(fields)})
    q_z, q_x = bell_diagonal_qber(vector)
    qber = 0.5 * (float(q_z) + float(q_x))
    sifted = BB84_SIFTING * delivered
    config = _session_config(qkd)
    k = config.sample_fraction * sifted
    n = sifted - k
    leak = float(qkd.error_correction_efficiency) * n * float(binary_entropy(qber))
    length = 0.0
    if qber > config.qber_limit:
        fields["abort_reason"] = (f"expected QBER {qber:.4f} above the limit "
                                  f"{config.qber_limit}")
    elif k < 1 or n < 2:
        fields["abort_reason"] = "too few sifted bits"
    else:
        length = float(bbm92_asymptotic_key_length(n, qber, leak)) if qkd.epsilon is None \
            else float(bbm92_finite_key_length(n, k, qber, leak,
                                               epsilon_sec=config.epsilon_sec,
                                               epsilon_cor=config.epsilon_cor))
        if length <= 0:
            fields["abort_reason"] = f"no secret key: the secure length is {length:.0f}"
            length = 0.0
    fields.update(qber=qber, chsh=float(bell_diagonal_chsh(vector)), sifted_bits=sifted,
                  final_key_bits=length, secret_fraction=length / sifted,
                  key_rate_bps=length / delivered * row.rate_hz if row.rate_hz else None)
    return replace(row, kind="qkd", extra={**row.extra, **_ordered(fields)})


# ------------------------------------------------------------------ key store, relays


def _key_store() -> KeyStore:
    """The run's key store (in memory): every session's final key goes into it."""
    from qfab.kms.store import KeyStore

    return KeyStore()


def _deposit(store: KeyStore, between: tuple[str, str] | list[str],
             session: SessionResult) -> int:
    """Put a session's final key into the pool of its two ends; the bits kept (0 after an
    abort or if the two copies differ, which :class:`~qfab.kms.store.KeyStore` refuses)."""
    from qfab.kms.errors import KeyManagementError

    if not session.ok or session.alice_key is None or session.bob_key is None:
        return 0
    try:
        return store.add_key_material(between[0], between[1], session.alice_key,
                                      other_end=session.bob_key)
    except KeyManagementError:
        return 0


def _stored(row: RequestResult, bits: int) -> RequestResult:
    return replace(row, extra={**row.extra, "stored_key_bits": bits})


_LINK_FIELDS = ("gain", "qber", "sifted_bits", "key_bits_per_pulse", "key_rate_bps",
                "final_key_bits", "keys_match", "abort_reason", "plob_bits_per_pulse")


def _relayed(spec: ScenarioSpec, request: QkdRequestSpec, index: int, streams: RandomStreams,
             store: KeyStore | None) -> RequestResult:
    """BB84 on every link of the fiber chain between the request's ends, the end-to-end
    key relayed through the trusted nodes (:func:`qfab.kms.relay.relay`).

    Analytic: each link's expected figures; the end-to-end key rate is the smallest link's.
    Des: each link's pulses (stream ``qkd:<index>:<link>``) and session; the end-to-end
    key is the first link's key, XOR-forwarded, as long as the shortest link key. The row's
    ``gain``, ``qber``, ``sifted_bits`` and post-processing figures are the bottleneck
    link's (the one with the shortest key); ``plob_bits_per_pulse`` is the smallest link
    bound (a trusted-node chain beats the repeaterless bound of its total length, never
    that of a link)."""
    chain = fiber_chain(spec.links, *request.between)
    assert chain is not None and len(chain) > 2  # validated
    hops = list(zip(chain, chain[1:]))
    links = [_fiber_between(spec, u, v) for u, v in hops]
    if store is None:
        rows = [_bb84_analytic(request, link) for link in links]
        sessions: list[SessionResult] = []
    else:
        sampled = [_bb84_sampled(request, link, streams.stream(f"qkd:{index}:{k}"))
                   for k, link in enumerate(links)]
        rows = [row for row, _ in sampled]
        sessions = [session for _, session in sampled]
    finals = [float(row.extra["final_key_bits"]) for row in rows]
    bottleneck = rows[int(np.argmin(finals))]
    fields = dict(bottleneck.extra)
    per_pulse = min(float(row.extra["key_bits_per_pulse"]) for row in rows)
    fields.update(relay="trusted", exposed_at=list(chain[1:-1]),
                  key_bits_per_pulse=per_pulse,
                  key_rate_bps=min(float(row.extra["key_rate_bps"]) for row in rows),
                  plob_bits_per_pulse=min(float(row.extra["plob_bits_per_pulse"])
                                          for row in rows),
                  relay_links=[{"between": [u, v], **{name: row.extra[name]
                                                      for name in _LINK_FIELDS}}
                               for (u, v), row in zip(hops, rows)])
    if store is None:
        consumed: float = min(finals)
    else:
        consumed, end_fields = _relay_sessions(store, chain, hops, sessions)
        fields.update(end_fields)
        fields["key_bits_per_pulse"] = consumed / request.pulse_count
        assert request.source is not None
        fields["key_rate_bps"] = fields["key_bits_per_pulse"] * float(
            request.source.repetition_rate)
    fields["final_key_bits"] = consumed
    sifted = fields.get("sifted_bits")
    fields["secret_fraction"] = consumed / sifted if sifted else None
    fields["consumed_bits"] = [{"between": [u, v], "bits": consumed} for u, v in hops]
    return replace(bottleneck, between=request.between, path=list(chain),
                   extra=_ordered(fields))


def _relay_sessions(store: KeyStore, chain: list[str], hops: list[tuple[str, str]],
                    sessions: list[SessionResult]) -> tuple[int, dict[str, Any]]:
    """The end-to-end key of the links' sessions: relayed if every link has a key (each
    link's unused bits and the end-to-end key then go into the store), else no key and the
    first failing link's reason. Returns the end-to-end length and the row's fields."""
    from qfab.kms.relay import relay

    for (u, v), session in zip(hops, sessions):
        if not session.ok or session.alice_key is None or session.bob_key is None \
                or not np.array_equal(session.alice_key, session.bob_key):
            for (x, y), other in zip(hops, sessions):
                _deposit(store, (x, y), other)  # the links' own keys stay usable
            return 0, {"keys_match": None, "stored_key_bits": 0,
                       "abort_reason": f"link {u}-{v}: {session.reason or 'keys differ'}"}
    keys = [session.alice_key for session in sessions if session.alice_key is not None]
    relayed = relay(chain, keys)
    length = relayed.key_bits
    for (u, v), session in zip(hops, sessions):
        assert session.alice_key is not None and session.bob_key is not None
        store.add_key_material(u, v, session.alice_key[length:],
                               other_end=session.bob_key[length:])
    stored = store.add_key_material(chain[0], chain[-1], relayed.source_key,
                                    other_end=relayed.destination_key)
    return length, {"keys_match": relayed.keys_match, "stored_key_bits": stored,
                    "abort_reason": None}
