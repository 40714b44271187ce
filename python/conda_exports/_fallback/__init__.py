"""Pure-Python kernels: the same names and contracts as the compiled ``_core``."""
