"""The largest sizes a scenario may write, and memory figures for messages that refuse sizes.

Every size is an exact integer. Counts of qubits beyond :data:`MAX_COUNT` are refused where
they are read: the engines compute rates and expectations with them in floating point, where
larger integers are no longer exact (and beyond about ``1.8e308`` not representable at all).
Sizes that would need more memory than a machine has are refused by whatever would allocate
it, with the figure :func:`gibibytes` writes (exact for any integer, however large).
"""

from __future__ import annotations

__all__ = ["MAX_COUNT", "at_most_max_count", "count_text", "gibibytes"]

#: The largest count of qubits a scenario may give (2**53: every integer up to it is exact
#: as a float).
MAX_COUNT = 2**53


def gibibytes(nbytes: int) -> str:
    """``nbytes`` in GiB for a message, e.g. ``'9.31 GiB'``, for any integer however large.

    Examples
    --------
    >>> gibibytes(10 * 2**30), gibibytes(10**400)
    ('10 GiB', '10^390 GiB')
    """
    gib = nbytes // 2**30
    if gib.bit_length() > 1000:  # beyond the float range: its order of magnitude
        return f"10^{len(str(gib)) - 1} GiB"
    return f"{nbytes / 2**30:,.3g} GiB"


def count_text(count: int) -> str:
    """``count`` for a message: ``1,000,000``, or ``about 10^400`` beyond 10^15 digits' worth
    of commas (a line stays a line)."""
    if count < 10**15:
        return f"{count:,}"
    return f"about 10^{len(str(count)) - 1}"


def at_most_max_count(value: int) -> int:
    """Refuse a count beyond :data:`MAX_COUNT` (a field validator)."""
    if value > MAX_COUNT:
        raise ValueError(f"must be at most 2**53 = {MAX_COUNT:,} (larger counts are not exact "
                         f"in the floating point the engines compute with), got "
                         f"{count_text(value)}")
    return value
