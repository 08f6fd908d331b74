"""Tools for testing qfab and code built on it: scenario strategies, mutations, a fuzz runner.

Nothing in the package imports this subpackage; importing it costs nothing at run time.

- :mod:`qfab.testing.strategies`: hypothesis strategies for every section of the scenario
  format (it needs ``hypothesis``, a test dependency, and imports it at its top);
- :mod:`qfab.testing.mutations`: families of mutations of scenario files (deleted keys, wrong
  types, non-finite and huge numbers, bad units, unknown keys, bad encodings, deep nesting,
  huge sizes), each case with the outcome it should have;
- :mod:`qfab.testing.browser`: renders a report page in headless Chromium (Playwright, a test
  dependency, imported inside its functions) and reports failed requests and broken images;
- :mod:`qfab.testing.runner`: runs ``qfab validate``, ``run`` and ``estimate`` on each case in
  worker processes with a wall-time bound and classifies the outcome.
"""
