"""Workload files and ``qfab schedule FILE``: errors name the field, link specs' rates come
from the engines, circuit jobs are partitioned onto their QPUs, the report is consistent."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from qfab.cli import main
from qfab.dqc.link_rates import PAIRS, LinkRates
from qfab.dqc.workload_spec import load_workload
from qfab.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "dqc" / "job_mix_two_racks.yaml"

GOOD = """
cluster:
  qpus: {a: 16, b: 16, c: 8}
  links:
    - {between: [a, b], rate: 100 Hz}
    - {between: [b, c], kind: depolarizing, fidelity: 0.9, success_probability: 0.1,
       cycle_time: 1 ms}
jobs:
  - {tenant: t, qubits: 4, duration: 1 s}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "workload.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "where"), [
    ("cluster:\n", "clusterr:\n", "cluster"),
    ("jobs:\n", "colour: blue\njobs:\n", "colour"),
    ("qpus: {a: 16, b: 16, c: 8}", "qpus: {a: 16, b: 16, c: 8}\n  racks: {racks: 1, "
                                   "per_rack: 2, qubits: 4}", "cluster"),
    ("between: [a, b], rate", "between: [a, z], rate", "cluster.links[0].between"),
    ("rate: 100 Hz", "rate: -1 Hz", "cluster.links[0].rate"),
    ("rate: 100 Hz", "rate: 100 Hz, kind: depolarizing", "cluster.links[0]"),
    ("rate: 100 Hz", "rate: 100 Hz, communication_qubits: 2", "cluster.links[0]"),
    ("qpus: {a: 16, b: 16, c: 8}\n  links:\n    - {between: [a, b], rate: 100 Hz}",
     "racks: {racks: 1, per_rack: 2, qubits: 4}\n  in_rack: {rate: 1 Hz}\n"
     "  between_racks: {rate: 1 Hz}\n  links:\n    - {between: [a, b], rate: 100 Hz}",
     "cluster"),
    ("success_probability: 0.1", "success_probability: 1.5",
     "cluster.links[1].success_probability"),
    ("cycle_time: 1 ms", "cycle_time: 1 kg", "cluster.links[1].cycle_time"),
    ("kind: depolarizing", "kind: depolarising", "cluster.links[1]"),
    ("qubits: 4, duration: 1 s", "qubits: 0, duration: 1 s", "jobs[0].qubits"),
    ("qubits: 4, duration: 1 s", "qubits: 4", "jobs[0].duration"),
    ("qubits: 4, duration: 1 s", "qubits: 41, duration: 1 s", "jobs[0].qubits"),
    ("qubits: 4, duration: 1 s", "duration: 1 s, circuit: 'qft:8'", "jobs[0]"),
    ("qubits: 4, duration: 1 s", "duration: 1 s, circuit: 'qfx:8', qpus: [a, b]",
     "jobs[0].circuit"),
    ("qubits: 4, duration: 1 s", "duration: 1 s, circuit: 'qft:8', qpus: [a, y]",
     "jobs[0].qpus"),
    ("jobs:\n  - {tenant: t, qubits: 4, duration: 1 s}\n", "random: {n: 0}\n", "random.n"),
    ("jobs:\n  - {tenant: t, qubits: 4, duration: 1 s}\n", "policy: lifo\n", "policy"),
])
def test_bad_input_names_the_field(tmp_path: Path, old: str, new: str, where: str) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ScenarioError) as caught:
        from qfab.dqc.scheduler import schedule

        workload = load_workload(path)
        schedule(workload.jobs, workload.cluster, workload.policy, workload.seed)
    assert caught.value.path == where, str(caught.value)


def test_link_spec_rate_is_measured_with_the_communication_qubits(tmp_path: Path) -> None:
    text = GOOD.replace("qpus: {a: 16, b: 16, c: 8}",
                        "qpus: {a: 16, b: 16, c: 8}\n  communication_qubits: 3")
    workload = load_workload(_write(tmp_path, text))
    given, measured = workload.links["a-b"], workload.links["b-c"]
    assert (given.rate_hz, given.engine, given.fidelity) == (100.0, "given", 1.0)
    assert measured.engine == "fast" and measured.communication_qubits == 3
    expected = 3 * 0.1 / 1e-3  # three attempts per cycle (geometric waits, 5 standard errors)
    tolerance = 5 * expected * math.sqrt((1 - 0.1) / PAIRS)
    assert measured.rate_hz == pytest.approx(expected, abs=tolerance)
    assert measured.fidelity == pytest.approx(0.9, abs=1e-9)
    assert workload.cluster.links[("b", "c")] == measured.rate_hz


def test_a_spec_is_measured_once_and_the_seed_fixes_it() -> None:
    rates = LinkRates(seed=4)
    spec = {"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.2,
            "cycle_time": "1 ms"}
    first = rates.measure(spec, 2, "x")
    assert rates.measure(dict(spec), 2, "y") is first and len(rates.measured) == 1
    assert LinkRates(seed=4).measure(spec, 2, "x") == first


def test_circuit_job_is_partitioned_onto_its_qpus(tmp_path: Path) -> None:
    text = GOOD.replace("qubits: 4, duration: 1 s",
                        "duration: 1 s, circuit: 'qft:20', qpus: [a, c]")
    workload = load_workload(_write(tmp_path, text))
    job = workload.jobs[0]
    # a and c are not linked: the e-bits are counted per QPU pair and swapped through b.
    # Contiguous blocks of 12 and 8 (or 16 and 4) need min(s_a, s_b) e-bits (textbook QFT).
    assert job.qubits == 20 and job.placement is not None and job.ebits is not None
    assert sorted(job.placement.values()) in ([4, 16], [8, 12])
    assert sum(job.ebits.values()) == min(job.placement.values())


def test_schedule_command_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule", str(EXAMPLE)]) == 0
    table = capsys.readouterr().out
    for word in ("makespan", "lower bounds", "wait per tenant", "pair wait", "fast engine"):
        assert word in table
    assert main(["schedule", str(EXAMPLE), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["makespan_s"] >= max(document["lower_bound_s"].values()) * (1 - 1e-12)
    assert set(document["wait_per_tenant_s"]) == {"alice", "bob", "carol", "dave", "erin"}
    assert document["links"]["r0q0-r1q0"]["engine"] == "fast"
    assert main(["schedule", str(EXAMPLE), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == document  # same seed, same schedule


def test_schedule_command_bad_input_exits_2(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, GOOD.replace("rate: 100 Hz", "rate: fast"))
    assert main(["schedule", str(path)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "cluster.links[0].rate" in error


def test_analytic_engine_where_the_fast_one_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    import qfab
    from qfab.engines.base import Support

    real = qfab.supports

    def refusing(source: object, *, engine: str | None = None) -> Support:
        if engine == "fast":
            return Support(False, "links[0].cycle_time: not modelled here")
        return real(source, engine=engine)  # type: ignore[arg-type]

    monkeypatch.setattr(qfab, "supports", refusing)
    spec = {"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.2,
            "cycle_time": "1 ms"}
    rate = LinkRates(seed=1).measure(spec, 2, "cluster.links[0]")
    assert rate.engine == "analytic"
    assert rate.rate_hz == pytest.approx(2 * 0.2 / 1e-3, rel=1e-9)  # exact: the closed form

    def neither(source: object, *, engine: str | None = None) -> Support:
        return Support(False, "links[0].cycle_time: not modelled here")

    monkeypatch.setattr(qfab, "supports", neither)
    with pytest.raises(ScenarioError) as caught:
        LinkRates(seed=1).measure(spec, 2, "cluster.links[0]")
    assert caught.value.path == "cluster.links[0]"
    assert "cluster.links[0].cycle_time: not modelled" in caught.value.reason
