"""Memory models: one per memory kind, built through one table, giving every engine's needs."""

from __future__ import annotations

import typing

import numpy as np
import pytest

from qfab.memorymodel import BUILDERS, memory_model
from qfab.physics import bell_diagonal as bd, memory as physics
from qfab.spec.models import (
    DEFAULT_MEMORY_KIND,
    DepolarizingMemorySpec,
    MemorySpec,
    T1T2MemorySpec,
)

VECTOR = np.array([0.8, 0.05, 0.1, 0.05])


def test_every_memory_kind_of_the_spec_has_a_builder() -> None:
    union = typing.get_args(MemorySpec)[0]
    kinds = {typing.get_args(typing.get_args(member)[0].model_fields["kind"].annotation)[0]
             for member in typing.get_args(union)}
    assert kinds == set(BUILDERS) == {"t1t2", "depolarizing", "afc"}
    assert DEFAULT_MEMORY_KIND == "t1t2"


def test_t1t2_model_is_the_pauli_twirled_t1_t2_channel() -> None:
    model = memory_model(T1T2MemorySpec(t1=0.5, t2=0.3))
    assert model.kind == "t1t2"
    assert model.decay_rates == pytest.approx((2.0, 1 / 0.3, 1 / 0.3))
    np.testing.assert_allclose(model.store(VECTOR, 0.1),
                               physics.decohere(VECTOR, 0.1, 0.0, t1_a=0.5, t2_a=0.3),
                               atol=1e-15)
    np.testing.assert_allclose(model.kraus(0.1), physics.t1_t2_kraus(0.1, t1=0.5, t2=0.3))
    assert not model.ideal


def test_depolarizing_model_keeps_each_qubit_with_probability_exp_minus_t_over_tau() -> None:
    model = memory_model(DepolarizingMemorySpec(kind="depolarizing", coherence_time=0.2))
    e = np.exp(-0.05 / 0.2)
    np.testing.assert_allclose(model.characters(0.05), [1, e, e, e], atol=1e-15)
    np.testing.assert_allclose(model.store(VECTOR, 0.05), bd.depolarize(VECTOR, 1 - e),
                               atol=1e-15)
    kraus = model.kraus(0.05)
    np.testing.assert_allclose(sum(k.conj().T @ k for k in kraus), np.eye(2), atol=1e-15)
    np.testing.assert_allclose(kraus, physics.depolarizing_kraus(0.05, coherence_time=0.2))


def test_store_works_on_batches() -> None:
    model = memory_model(T1T2MemorySpec(t1=1.0, t2=0.5))
    waits = np.array([0.0, 0.1, 0.4])
    batch = model.store(np.broadcast_to(VECTOR, (3, 4)), waits)
    for row, wait in zip(batch, waits):
        np.testing.assert_allclose(row, model.store(VECTOR, wait), atol=1e-15)


@pytest.mark.parametrize("spec", [T1T2MemorySpec(),
                                  DepolarizingMemorySpec(kind="depolarizing")])
def test_ideal_memories_never_decohere(spec: MemorySpec) -> None:
    model = memory_model(spec)
    assert model.ideal
    np.testing.assert_allclose(model.store(VECTOR, 100.0), VECTOR, atol=0)


def test_room_for_retrieval_and_modes_is_trivial_for_todays_kinds() -> None:
    for spec in (T1T2MemorySpec(t2=1.0), DepolarizingMemorySpec(kind="depolarizing")):
        model = memory_model(spec)
        assert model.retrieval_efficiency(0.0) == model.retrieval_efficiency(5.0) == 1.0
        assert model.mode_capacity is None
