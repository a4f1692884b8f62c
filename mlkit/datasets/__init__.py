"""Datasets of the course: MNIST, Fashion-MNIST and the small tables of the chapters.

``load_mnist`` and ``load_fashion_mnist`` read the original IDX gzip files
(NumPy and the standard library only, never TensorFlow) and return what
``keras.datasets.mnist.load_data()`` returns. Where they look for the files,
and what they download where, is told in :mod:`mlkit.datasets.mnist` and in
the README's section *Data*. Use it as::

    from mlkit.datasets import load_mnist

    (x_train, y_train), (x_test, y_test) = load_mnist()
"""

from mlkit.datasets._files import DataFileError
from mlkit.datasets.mnist import load_fashion_mnist, load_mnist
from mlkit.datasets.toy import load_test_scores, load_xor

__all__ = ["load_mnist", "load_fashion_mnist", "load_xor", "load_test_scores", "DataFileError"]
