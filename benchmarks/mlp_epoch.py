"""Time one training epoch of the same MLP in mlkit's NumPy and TensorFlow versions and in Keras.

The four contenders train the same network (784-256-128-10 ReLU by default,
softmax cross-entropy from the logits, SGD with momentum, float32) on the same
data with the same batch size (256 by default, as in the book's MNIST chapter):

- ``numpy``: :class:`mlkit.numpy.MLP`;
- ``tensorflow``: :class:`mlkit.tensorflow.MLP` (``tf.GradientTape`` in a ``tf.function``);
- ``keras``: a ``keras.Sequential`` of the same ``Dense`` layers, ``model.fit``;
- ``floor``: the matrix products alone, with the same NumPy: for every batch of
  the epoch, the forward product ``H @ W`` of each layer and the backward
  products ``H.T @ dZ`` (each layer's ``dW``) and ``dZ @ W.T`` (the gradient
  passed down to the layer below, for every layer but the first: nothing
  needs the gradient with respect to the input images). This is the least
  any NumPy implementation of back-propagation must do.

The time of one epoch is measured without the set-up a training run starts
with (initial weights, argument checks, TensorFlow's tracing, Keras's
compilation): each contender is run for 1 and for ``1 + k`` epochs, each run
repeated ``--repeats`` times after a warm-up, and one epoch is
``(best(1 + k) - best(1)) / k``. The floor is timed directly, best of the repeats.

Run it from the repository root, with the course's virtual environment::

    python benchmarks/mlp_epoch.py                 # full MNIST, batch 256, float32
    python benchmarks/mlp_epoch.py --threads 1 --clock cpu   # steadier on a busy machine
    python benchmarks/mlp_epoch.py --n 10000 --batch-size 128 --repeats 5

MNIST is read with :func:`mlkit.datasets.load_mnist` (set ``MLKIT_DATA_DIR``
to a folder holding ``mnist/``, or let it download the files once).
"""

import argparse
import itertools
import os
import statistics
import time

import numpy as np


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hiddens", type=int, nargs="*", default=[256, 128],
                        help="widths of the hidden layers (default: 256 128)")
    parser.add_argument("--batch-size", type=int, default=256,
                        help="examples per step (default: 256, as in the book's MNIST chapter)")
    parser.add_argument("--n", type=int, default=60000,
                        help="training examples: the first n of MNIST's training set")
    parser.add_argument("--epochs", type=int, default=2,
                        help="k: epochs timed after the first one (default: 2)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs of each measurement; the best one counts (default: 3)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for BLAS and TensorFlow (default: the libraries' own)")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="wall-clock time, or the CPU time of the process (all its threads): "
                             "steadier on a busy machine, with --threads 1 (default: wall)")
    parser.add_argument("--only", nargs="*", choices=CONTENDERS, default=list(CONTENDERS),
                        help="run only these contenders")
    return parser.parse_args(argv)


def mnist(n):
    """The first ``n`` MNIST training images, flattened to 784 values in [0, 1], float32."""
    from mlkit.datasets import load_mnist

    (x_train, y_train), _ = load_mnist()
    X = (x_train[:n].reshape(-1, 28 * 28) / 255.0).astype(np.float32)
    return X, y_train[:n].astype(np.int64)


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCKS["wall"]


def best_of(repeats, run):
    """The shortest of ``repeats`` timed calls of ``run()``, in seconds, and all the times."""
    times = []
    for _ in range(repeats):
        start = clock()
        run()
        times.append(clock() - start)
    return min(times), times


def epoch_time(make_run, args):
    """One epoch in seconds, ``(best(1 + k epochs) - best(1 epoch)) / k``, and the runs' times."""
    make_run(1)()  # warm-up: imports, BLAS and TensorFlow thread pools, caches
    one, one_times = best_of(args.repeats, make_run(1))
    more, more_times = best_of(args.repeats, make_run(1 + args.epochs))
    return (more - one) / args.epochs, one_times, more_times


def mlkit_run(backend, X, y, args):
    """``make_run(num_epochs)`` for mlkit's MLP in the NumPy or TensorFlow backend."""
    if backend == "numpy":
        from mlkit.numpy import MLP
    else:
        from mlkit.tensorflow import MLP

    def make_run(num_epochs):
        model = MLP(tuple(args.hiddens), lr=0.1, momentum=0.9, num_epochs=num_epochs,
                    batch_size=args.batch_size, seed=0)
        return lambda: model.fit(X, y)

    return make_run


def keras_run(X, y, args):
    """``make_run(num_epochs)`` for the same network in Keras, compiled anew for every run."""
    import keras

    def make_run(num_epochs):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [keras.Input(shape=(X.shape[1],))]
            + [keras.layers.Dense(units, activation="relu") for units in args.hiddens]
            + [keras.layers.Dense(10)])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
        return lambda: model.fit(X, y, batch_size=args.batch_size, epochs=num_epochs,
                                 shuffle=True, verbose=0)

    return make_run


def floor_run(X, args):
    """The matrix products of one epoch of back-propagation, alone, with the same NumPy."""
    rng = np.random.default_rng(0)
    sizes = [X.shape[1], *args.hiddens, 10]
    Ws = [rng.standard_normal((n_in, n_out)).astype(X.dtype) * 0.05
          for n_in, n_out in itertools.pairwise(sizes)]
    # the gradients of the pre-activations, one per layer and batch size (values do not matter)
    dZ_full = [rng.standard_normal((args.batch_size, n)).astype(X.dtype) for n in sizes[1:]]

    def epoch():
        for start in range(0, len(X), args.batch_size):
            H = X[start:start + args.batch_size]
            n = len(H)
            inputs = []
            for W in Ws:  # forward: one product per layer
                inputs.append(H)
                H = H @ W
            for layer in range(len(Ws) - 1, -1, -1):  # backward: dW, and dX below the first
                dZ = dZ_full[layer][:n]
                _ = inputs[layer].T @ dZ
                if layer > 0:
                    _ = dZ @ Ws[layer].T

    return epoch


CONTENDERS = ("numpy", "tensorflow", "keras", "floor")


def limit_threads(threads, contenders):
    """Run BLAS (and TensorFlow, before it starts) on ``threads`` threads."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(threads)
    if {"tensorflow", "keras"} & set(contenders):
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)


def main(argv=None):
    global clock
    args = parse_args(argv)
    clock = CLOCKS[args.clock]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if args.threads is not None:
        limit_threads(args.threads, args.only)
    X, y = mnist(args.n)
    network = "-".join(str(s) for s in [X.shape[1], *args.hiddens, 10])
    print(f"MLP {network} ReLU, SGD momentum 0.9, batch {args.batch_size}, {X.dtype}, "
          f"{len(X)} examples, threads {args.threads or 'default'}, {args.clock} clock;\n"
          f"one epoch = (best of {args.repeats} x {1 + args.epochs} epochs "
          f"- best of {args.repeats} x 1) / {args.epochs}")
    seconds = {}
    for name in args.only:
        if name == "floor":
            run = floor_run(X, args)
            run()  # warm-up
            seconds[name], times = best_of(args.repeats, run)
            spread = f"   (runs: {', '.join(f'{t:.3f}' for t in times)}; median "
            spread += f"{statistics.median(times):.3f})"
        else:
            make_run = mlkit_run(name, X, y, args) if name in ("numpy", "tensorflow") \
                else keras_run(X, y, args)
            seconds[name], one_times, more_times = epoch_time(make_run, args)
            spread = (f"   (runs of 1 epoch: {', '.join(f'{t:.3f}' for t in one_times)}; "
                      f"of {1 + args.epochs}: {', '.join(f'{t:.3f}' for t in more_times)})")
        print(f"{name:>10s}: {seconds[name]:7.3f} s per epoch{spread}", flush=True)
    print()
    for name, reference in [("numpy", "floor"), ("numpy", "keras"), ("tensorflow", "keras"),
                            ("keras", "floor")]:
        if name in seconds and reference in seconds:
            print(f"{name:>10s} / {reference:<6s} = {seconds[name] / seconds[reference]:.2f}")
    return seconds


if __name__ == "__main__":
    main()
