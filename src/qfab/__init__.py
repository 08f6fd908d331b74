"""qfab: model, simulate and orchestrate quantum networks.

One scenario format (:mod:`qfab.spec`), pure physics (:mod:`qfab.physics`) and three
engines behind one interface (:mod:`qfab.engines`): ``analytic`` (closed forms), ``des``
(event simulation, the reference) and, later, ``fast`` (vectorized Monte Carlo).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
