"""QKD post-processing on bit arrays: from raw detections to identical secret keys.

The chain, one module per step:

- :mod:`qfab.qkd.sifting`: keep the positions where both parties used the same basis;
- :mod:`qfab.qkd.estimation`: sample a random subset, disclose it and estimate the QBER;
- :mod:`qfab.qkd.reconciliation`: LDPC syndrome decoding (the ``ldpc`` package, the
  ``qkd`` extra), with the code rate adapted to the estimated QBER;
- :mod:`qfab.qkd.hashing`: Toeplitz hashing (FFT-based for long blocks), used both to
  verify that the corrected keys agree and for privacy amplification;
- :mod:`qfab.qkd.authentication`: the key that authenticating the classical messages costs;
- :mod:`qfab.qkd.session`: the whole session, ending in identical keys or an abort that
  says why.

Keys are ``numpy.uint8`` arrays of 0/1 values. The result objects keep them out of their
``repr`` so that they do not reach logs.
"""

from __future__ import annotations
