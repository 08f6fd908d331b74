"""Heralding models of the hardware link kinds (``midpoint_source``, ``chip_to_chip``).

Each module maps a kind's spec onto its formulas in :mod:`qfab.physics`; :mod:`qfab.linkmodel`
registers them in its ``HERALDING`` table, so every engine uses them through the link model.
"""
