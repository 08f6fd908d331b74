"""Event traces of the simulation, on file: writing them (:mod:`~qfab.tracing.files`), reading
them back (:mod:`~qfab.tracing.reader`) and telling what they say
(:mod:`~qfab.tracing.story`); ``qfab trace`` is :mod:`~qfab.tracing.command`.

The records themselves are made by the simulation's components through
:class:`qfab.protocols.trace.Tracer`; ``docs/trace.md`` describes the format.
"""
