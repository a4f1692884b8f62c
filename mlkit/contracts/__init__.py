"""The contracts of mlkit's public functions, written once for both backends.

Each module here holds, for one concept, what :mod:`mlkit.numpy` and
:mod:`mlkit.tensorflow` promise alike: signatures, docstrings (formula, shapes,
a doctest that runs with either backend imported as ``mk``, references),
argument checks with their error messages, and the rules for return types.
Each ``contract(backend, kernel)`` returns the public function of one backend
around that backend's kernel; see :mod:`mlkit._contract`.

Nothing here computes: the mathematics is in the backends' kernels.
"""
