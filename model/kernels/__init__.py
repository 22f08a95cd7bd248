"""Kernels: ``reference`` (plain NumPy, the specification), ``cpu`` (Numba), ``cuda`` (numba.cuda)."""
