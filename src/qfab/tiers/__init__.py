"""Tier builders and satellite orbits.

:mod:`qfab.tiers.orbits` propagates a satellite from a two-line element set (skyfield, an
optional dependency imported on use) and finds its passes over ground stations;
:mod:`qfab.tiers.sun` gives the Sun's elevation (day or night) from a closed form.
"""
