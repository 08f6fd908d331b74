"""Charges: the link pairs a swapped pair owes its links, joined in constant time."""

from collections import Counter

from qfab.hardware.pair import Charges


def test_join_keeps_every_charge_once() -> None:
    leaves = [Charges((link, link % 3, 0)) for link in range(8)]
    joined: Charges | None = None
    for leaf in leaves:  # as a chain of swaps would, left to right
        joined = Charges.join(joined, leaf)
    nested = Charges.join(Charges.join(leaves[0], leaves[1]),
                          Charges.join(leaves[2], Charges.join(None, leaves[3])))
    assert joined is not None and nested is not None
    assert Counter(joined) == Counter((link, link % 3, 0) for link in range(8))
    assert Counter(nested) == Counter((link, link % 3, 0) for link in range(4))


def test_join_with_nothing_is_the_other_side() -> None:
    leaf = Charges((1, 0, 2))
    assert Charges.join(None, leaf) is leaf
    assert Charges.join(leaf, None) is leaf
    assert Charges.join(None, None) is None
