"""mlkit: the helper package of the course-book *Foundations of Deep Learning*.

The same public API comes twice, once per backend; pick one with one import::

    from mlkit import numpy as mk        # NumPy reference implementations
    from mlkit import tensorflow as mk   # TensorFlow versions (GPU when present)

Importing :mod:`mlkit` or :mod:`mlkit.numpy` never imports TensorFlow.
"""

__version__ = "0.1.0"
