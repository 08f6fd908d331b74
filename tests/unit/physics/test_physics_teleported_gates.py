"""Pauli channels of teleported gates: structure, conjugation rules and argument checks."""

from __future__ import annotations

import numpy as np
import pytest

from qfab.physics import bell_diagonal as bd, teleported_gates as tg


@pytest.mark.parametrize("gate", ["cx", "cz"])
def test_werner_channel_has_three_equal_errors(gate: str) -> None:
    channel = tg.gate_teleportation_channel(gate, bd.werner(0.7))
    assert channel.sum() == pytest.approx(1.0)
    assert channel[0, 0] == pytest.approx(0.7)
    assert np.count_nonzero(channel) == 4
    assert sorted(channel[(channel > 0) & (channel < 0.5)]) == pytest.approx([0.1] * 3)


def test_cz_errors_are_all_phase_flips_and_cnot_flips_the_target() -> None:
    cz = tg.gate_teleportation_channel("cz", bd.werner(0.4))
    cx = tg.gate_teleportation_channel("cx", bd.werner(0.4))
    assert set(zip(*np.nonzero(cz), strict=True)) == {(0, 0), (0, 3), (3, 0), (3, 3)}
    assert set(zip(*np.nonzero(cx), strict=True)) == {(0, 0), (0, 1), (3, 0), (3, 1)}


@pytest.mark.parametrize(("gate", "before", "after"), [
    ("cx", (1, 0), (1, 1)), ("cx", (0, 3), (3, 3)), ("cx", (3, 0), (3, 0)),
    ("cx", (0, 1), (0, 1)), ("cz", (1, 0), (1, 3)), ("cz", (0, 1), (3, 1)),
    ("cz", (3, 3), (3, 3)), ("cx", (2, 0), (2, 1)),
])
def test_conjugation_rules(gate: str, before: tuple[int, int], after: tuple[int, int]) -> None:
    assert tg.conjugate_pauli(gate, *before) == after


def test_data_teleported_cnot_fidelity_matches_the_channel() -> None:
    f = 0.8
    channel = tg.data_teleported_gate_channel("cx", bd.werner(f), bd.werner(f))
    assert channel.sum() == pytest.approx(1.0)
    assert tg.process_fidelity(channel) == pytest.approx(
        float(tg.data_teleported_cnot_process_fidelity(f)))
    moved_control = tg.data_teleported_gate_channel("cx", bd.werner(f), bd.werner(f), moved=0)
    assert moved_control[0, 0] == pytest.approx(channel[0, 0])


def test_average_gate_fidelity_of_a_two_qubit_gate() -> None:
    assert float(tg.average_gate_fidelity(0.86)) == pytest.approx((4 * 0.86 + 1) / 5)
    assert float(tg.average_gate_fidelity(1.0)) == 1.0
    assert float(tg.average_gate_fidelity(0.5, dimension=2)) == pytest.approx(2 / 3)


def test_depolarizing_channel() -> None:
    one = tg.depolarizing_channel(0.3, 1)
    assert one == pytest.approx([1 - 0.3 + 0.3 / 4] + [0.3 / 4] * 3)
    two = tg.depolarizing_channel(0.16, 2)
    assert two.shape == (4, 4) and two.sum() == pytest.approx(1.0)
    assert two[0, 0] == pytest.approx(1 - 0.16 * 15 / 16)


def test_process_matrix_is_diagonal() -> None:
    channel = tg.gate_teleportation_channel("cz", bd.werner(0.9))
    chi = tg.process_matrix(channel)
    assert chi.shape == (16, 16)
    assert np.allclose(np.diag(chi), channel.reshape(-1))
    assert np.count_nonzero(chi - np.diag(np.diag(chi))) == 0


@pytest.mark.parametrize(("call", "message"), [
    (lambda: tg.gate_teleportation_channel("swap", bd.werner(0.9)), "gate"),
    (lambda: tg.gate_teleportation_channel("cz", [0.5, 0.5]), "bell"),
    (lambda: tg.data_teleported_gate_channel("cx", bd.werner(1), bd.werner(1), moved=2),
     "moved"),
    (lambda: tg.depolarizing_channel(1.5, 1), "p"),
    (lambda: tg.depolarizing_channel(0.1, 3), "qubits"),
    (lambda: tg.average_gate_fidelity(0.9, dimension=1), "dimension"),
    (lambda: tg.teleported_gate_process_fidelity(1.2), "fidelity"),
])
def test_bad_arguments_name_the_argument(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]
