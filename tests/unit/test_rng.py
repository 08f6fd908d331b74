"""Named random streams: reproducible, independent, no global state."""

import numpy as np
import pytest

from qfab.rng import RandomStreams


def test_same_seed_and_name_give_same_draws() -> None:
    a = RandomStreams(3).stream("x").random(5)
    b = RandomStreams(3).stream("x").random(5)
    np.testing.assert_array_equal(a, b)


def test_different_names_give_different_draws() -> None:
    streams = RandomStreams(3)
    assert not np.array_equal(streams.stream("x").random(5), streams.stream("y").random(5))


def test_adding_a_stream_does_not_change_another() -> None:
    first = RandomStreams(3)
    first.stream("other").random(100)
    assert RandomStreams(3).stream("x").random() == first.stream("x").random()


def test_stream_is_created_once() -> None:
    streams = RandomStreams(1)
    assert streams.stream("x") is streams.stream("x")


def test_negative_seed_is_rejected() -> None:
    with pytest.raises(ValueError):
        RandomStreams(-1)
