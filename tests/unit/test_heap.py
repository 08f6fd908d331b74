"""The collector helpers restore the collector's state, nested or not."""

from __future__ import annotations

import gc

from qfab.heap import built_objects_frozen, collector_paused, paused_collection


def test_collector_paused_restores_the_state_it_found() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


def test_paused_collection_wraps_a_function() -> None:
    @paused_collection
    def state() -> bool:
        return gc.isenabled()

    assert state() is False and gc.isenabled()


def test_built_objects_frozen_unfreezes_what_it_froze_only() -> None:
    assert gc.get_freeze_count() == 0
    with built_objects_frozen():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    gc.freeze()  # someone else's freeze is left alone
    try:
        frozen = gc.get_freeze_count()
        with built_objects_frozen():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
