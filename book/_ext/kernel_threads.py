"""The chapters' kernels run NumPy's BLAS on one thread.

The kernels that execute the chapters are started by the build and inherit its
environment, so setting ``OPENBLAS_NUM_THREADS`` here reaches them. The
matrices of the chapters are small (the MNIST chapter's largest product is a
batch of 256 by 784 times 784 by 256), and for them a second BLAS thread gains
little on an idle machine but costs a great deal on a busy one: OpenBLAS's
threads wait for each other by spinning, and when other work holds the cores
one epoch of the MNIST chapter's NumPy MLP took 27 s with two threads against
1.3 s with one. A value already set in the environment is kept.
"""

import os


def setup(app):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
