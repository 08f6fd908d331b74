"""Distributed quantum computing on networked QPUs: the cluster tier's workloads.

Each module has one job: :mod:`qfab.dqc.circuits` reads circuits (OpenQASM 2 and 3, Qiskit
objects, generators such as ``qft:32``) into a small gate list; :mod:`qfab.dqc.partition`
places their qubits on QPUs at the least e-bit cost; :mod:`qfab.dqc.placement` writes the
result (JSON and the distributed circuit as OpenQASM); :mod:`qfab.dqc.qpus` reads a
scenario's QPUs; the ``scheduler*`` modules schedule jobs on a cluster. Nothing is imported
here: the heavy optional packages (Qiskit, Mt-KaHyPar) load only when a function needs them.
"""
