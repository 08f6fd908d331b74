"""Unit tests of the split surface-code memory: where the noise goes, the rate conversions."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

stim = pytest.importorskip("stim")
pytest.importorskip("sinter")

from qfab.dqc.seam import (  # noqa: E402
    SeamPoint,
    main,
    seam_circuit,
    seam_gates,
    seam_threshold,
)


def _targets(circuit: object, name: str) -> list[float]:
    """Every (qubit, probability) pair of the noise channel ``name``, repeats unrolled."""
    found = []
    for instruction in circuit.flattened():  # type: ignore[attr-defined]
        if instruction.name == name:
            (p,) = instruction.gate_args_copy()
            found += [(t.value, p) for t in instruction.targets_copy()]
    return found


@pytest.mark.parametrize("distance", [3, 5, 7])
def test_the_seam_gates_cross_the_cut(distance: int) -> None:
    ideal = stim.Circuit.generated("surface_code:rotated_memory_z", distance=distance, rounds=1)
    x = {q: c[0] for q, c in ideal.get_final_qubit_coordinates().items()}
    gates = seam_gates(distance)
    assert len(gates) == 2 * distance - 1
    assert all((x[a] <= distance) != (x[b] <= distance) for a, b in gates)
    # one data column sits on the seam: data qubits have odd coordinates
    assert {x[q] for gate in gates for q in gate} == {distance, distance + 1}


def test_only_the_seam_gates_carry_the_link_error() -> None:
    d, rounds = 5, 4
    circuit = seam_circuit(d, p_bulk=0.0, p_link=0.2, rounds=rounds)
    two = _targets(circuit, "DEPOLARIZE2")
    assert len(two) == 2 * (2 * d - 1) * rounds  # 2d - 1 seam gates a round, two targets each
    assert {p for _, p in two} == {0.2}
    assert not _targets(circuit, "DEPOLARIZE1") and not _targets(circuit, "X_ERROR")
    pairs = {tuple(q for q, _ in two[i:i + 2]) for i in range(0, len(two), 2)}
    assert pairs == set(seam_gates(d))


def test_the_bulk_noise_covers_gates_idles_resets_and_measurements() -> None:
    d, rounds = 3, 2
    circuit = seam_circuit(d, p_bulk=1e-3, p_link=0.0, p_idle=2e-3, rounds=rounds)
    cnots = sum(len(i.targets_copy()) for i in circuit.flattened() if i.name == "CX")
    assert len(_targets(circuit, "DEPOLARIZE2")) == cnots - 2 * (2 * d - 1) * rounds
    single = _targets(circuit, "DEPOLARIZE1")
    assert {p for _, p in single} == {1e-3, 2e-3}
    hadamards = sum(len(i.targets_copy()) for i in circuit.flattened() if i.name == "H")
    assert sum(p == 1e-3 for _, p in single) == hadamards
    # the z memory: each ancilla a reset flip at the start and a measurement flip and a reset
    # flip per round (MR), each data qubit a reset flip at the start and a measurement flip
    # at the end
    data, ancillas = d * d, d * d - 1
    flips = _targets(circuit, "X_ERROR")
    assert len(flips) == ancillas * (1 + 2 * rounds) + 2 * data


def test_waiting_noise_lands_on_the_seam_qubits_before_their_gate() -> None:
    circuit = seam_circuit(3, p_bulk=0.0, p_link=0.0, p_wait=0.05, rounds=1)
    ops = list(circuit.flattened())
    waits = [i for i, op in enumerate(ops) if op.name == "DEPOLARIZE1"]
    assert waits and all(ops[i + 1].name == "CX" for i in waits)
    waited = {q for q, _ in _targets(circuit, "DEPOLARIZE1")}
    assert waited == {q for gate in seam_gates(3) for q in gate}


def test_a_noiseless_split_memory_never_fails() -> None:
    circuit = seam_circuit(3, p_bulk=0.0, p_link=0.0)
    detectors, observables = circuit.compile_detector_sampler().sample(
        200, separate_observables=True)
    assert not detectors.any() and not observables.any()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"distance": 4}, "distance"), ({"distance": 1}, "distance"),
    ({"p_link": 1.5}, "p_link"), ({"p_bulk": -0.1}, "p_bulk"), ({"basis": "y"}, "basis"),
    ({"rounds": 0}, "rounds"),
])
def test_bad_parameters_are_refused_by_name(kwargs: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {"distance": 3, "p_bulk": 1e-3, "p_link": 0.05} | kwargs
    with pytest.raises(ValueError, match=field):
        seam_circuit(**arguments)  # type: ignore[arg-type]


def _point(shots: int, errors: int, rounds: int, d: int = 3, p_link: float = 0.1) -> SeamPoint:
    return SeamPoint(distance=d, rounds=rounds, basis="z", p_bulk=1e-3, p_link=p_link,
                     p_wait=0.0, p_idle=1e-3, shots=shots, errors=errors)


def test_the_per_round_rate_and_its_standard_error() -> None:
    point = _point(10_000, 1_000, 3)
    assert point.per_round == pytest.approx((1 - 0.8 ** (1 / 3)) / 2, rel=1e-12)
    p, n, r = 0.1, 10_000, 3
    sigma = math.sqrt(p * (1 - p) / n)
    derivative = (0.8 ** (1 / r - 1)) / r
    assert point.per_round_standard_error == pytest.approx(derivative * sigma, rel=1e-9)
    assert _point(100, 0, 3).per_round_standard_error > 0.0
    assert _point(100, 60, 3).per_round_standard_error == math.inf


def test_the_crossing_is_interpolated_on_the_log_ratio() -> None:
    # per-round rates r_3 = 0.01, 0.04 and r_5 = 0.005, 0.08: log ratios ln 2 and -ln 2
    def point(d: int, p_link: float, rate: float) -> SeamPoint:
        shot = (1 - (1 - 2 * rate) ** 1) / 2
        return _point(10**9, round(shot * 10**9), 1, d=d, p_link=p_link)

    points = [point(3, 0.1, 0.01), point(3, 0.2, 0.04), point(5, 0.1, 0.005),
              point(5, 0.2, 0.08)]
    assert seam_threshold(points) == pytest.approx(0.15, rel=1e-6)
    assert seam_threshold(points[:2]) is None
    assert seam_threshold([point(3, 0.1, 0.01), point(5, 0.1, 0.005)]) is None


def test_curves_that_run_together_have_no_crossing() -> None:
    # d = 3 and d = 5 within their binomial noise at every seam error: no threshold to report
    points = [_point(2_000, e, 3, d=d, p_link=p_link)
              for d, counts in ((3, (200, 300, 400)), (5, (205, 296, 404)))
              for p_link, e in zip((0.1, 0.2, 0.3), counts, strict=True)]
    assert seam_threshold(points) is None


def test_the_command_prints_a_table_and_writes_the_plot(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    image = tmp_path / "seam.png"
    assert main(["--plot", str(image), "--distances", "3", "5", "--p-links", "0.05", "0.3",
                 "--p-bulk", "1e-3", "--max-shots", "300", "--max-errors", "30"]) == 0
    out = capsys.readouterr().out
    assert image.stat().st_size > 1000
    assert out.count("\n0.001 ") == 4 and "crossing" in out


def test_the_command_refuses_bad_input_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--distances", "4", "--max-shots", "10"])
    assert exit_.value.code == 2
    assert "distance: an odd integer" in capsys.readouterr().err
