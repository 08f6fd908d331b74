"""The sweep block: value lists, linspace and logspace with units, grid and zip points."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qfab.errors import ScenarioError
from qfab.spec.sweep import ParameterSpec, SweepSpec, quantity_to_si


def test_linspace_with_units_gives_evenly_spaced_si_values() -> None:
    values = ParameterSpec(linspace=("1 km", "200 km", 16)).document_values()
    assert len(values) == 16 and values[0] == 1000.0 and values[-1] == 200_000.0
    np.testing.assert_allclose(np.diff(values), 199_000.0 / 15)


def test_logspace_takes_endpoints_in_value_space() -> None:
    """logspace: [1 ms, 1 s, 4] is 1 ms, 10 ms, 100 ms, 1 s (not 10^1 ms ...)."""
    values = ParameterSpec(logspace=("1 ms", "1 s", 4)).document_values()
    np.testing.assert_allclose(values, [1e-3, 1e-2, 1e-1, 1.0], rtol=1e-12)
    plain = ParameterSpec(logspace=("1e-3", 1, 7)).document_values()
    np.testing.assert_allclose(plain, np.geomspace(1e-3, 1, 7), rtol=1e-12)


def test_linspace_of_integers_stays_integer_when_every_value_is() -> None:
    assert ParameterSpec(linspace=(100, 400, 4)).document_values() == [100, 200, 300, 400]
    assert ParameterSpec(linspace=(0, 1, 3)).document_values() == [0.0, 0.5, 1.0]


def test_values_keep_their_spelling_for_the_document_and_si_for_the_table() -> None:
    spec = ParameterSpec(values=["1 ms", "10 ms", "1 s"])
    assert spec.document_values() == ["1 ms", "10 ms", "1 s"]
    assert spec.column_values() == pytest.approx([1e-3, 1e-2, 1.0])
    assert ParameterSpec(values=[1, 2.5]).column_values() == [1.0, 2.5]
    assert ParameterSpec(values=["asap", "nested"]).column_values() == ["asap", "nested"]


def test_a_plain_list_is_a_values_list() -> None:
    assert ParameterSpec.model_validate([1, 2]) == ParameterSpec(values=[1, 2])


@pytest.mark.parametrize(("data", "message"), [
    ({"linspace": ["1 km", "1 s", 3]}, "is a length but '1 s' is a time"),
    ({"logspace": [0, 1, 3]}, "endpoints must be > 0"),
    ({"linspace": [1, 2, 0]}, "num must be >= 1"),
    ({"linspace": ["far", 2, 3]}, "cannot read 'far'"),
    ({}, "exactly one of"),
    ({"values": [1], "linspace": [1, 2, 3]}, "exactly one of"),
])
def test_bad_parameter_values_are_rejected(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ParameterSpec.model_validate(data)


def test_quantity_to_si_infers_the_dimension_from_the_unit() -> None:
    assert quantity_to_si("25 km") == (25_000.0, "length")
    assert quantity_to_si("0.2 dB/km") == (0.2e-3, "attenuation")
    assert quantity_to_si("1e-3") == (1e-3, None)
    assert quantity_to_si("inf s") == (math.inf, "time")
    assert quantity_to_si("asap") is None and quantity_to_si(True) is None


def test_grid_is_the_cartesian_product_first_parameter_slowest() -> None:
    sweep = SweepSpec(parameters={"a": ParameterSpec(values=[1, 2]),
                                  "b": ParameterSpec(values=["x", "y", "z"])})
    points = [{path: value for path, (value, _) in point.items()} for point in sweep.points()]
    assert points == [{"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 1, "b": "z"},
                      {"a": 2, "b": "x"}, {"a": 2, "b": "y"}, {"a": 2, "b": "z"}]


def test_zip_pairs_the_lists_and_needs_equal_lengths() -> None:
    sweep = SweepSpec(mode="zip", parameters={"a": ParameterSpec(values=[1, 2]),
                                              "b": ParameterSpec(linspace=(10, 20, 2))})
    points = [{path: value for path, (value, _) in point.items()} for point in sweep.points()]
    assert points == [{"a": 1, "b": 10}, {"a": 2, "b": 20}]
    with pytest.raises(ScenarioError, match="zip mode needs lists of equal length, got a: 2, b: 3"
                       ):
        SweepSpec(mode="zip", parameters={"a": ParameterSpec(values=[1, 2]),
                                          "b": ParameterSpec(values=[1, 2, 3])})


def test_no_parameters_is_a_single_point() -> None:
    assert SweepSpec(seeds=3).points() == [{}]


@pytest.mark.parametrize("path", ["seed", "sweep.seeds"])
def test_the_seed_and_the_sweep_itself_cannot_be_swept(path: str) -> None:
    with pytest.raises(ScenarioError, match=f"sweep.parameters.{path}"):
        SweepSpec(parameters={path: ParameterSpec(values=[1])})


def test_the_sweep_block_is_frozen_and_strict() -> None:
    sweep = SweepSpec()
    with pytest.raises(ValueError):
        sweep.seeds = 2  # type: ignore[misc]
    with pytest.raises(ValueError, match="mod"):
        SweepSpec.model_validate({"mod": "zip"})
