"""Time one training epoch of the same MLP in mlkit's NumPy and TensorFlow versions and in Keras.

The four contenders train the same network (784-256-128-10 ReLU by default,
softmax cross-entropy from the logits, SGD with momentum 0.9, float32) on the same
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
compilation): each contender is run for 1 and for ``1 + k`` epochs, and one
epoch is ``(best(1 + k) - best(1)) / k``. The floor is timed the same way.

Each contender runs in a process of its own (this script, started with
``--worker``), so that none of them shares its interpreter, its imports or its
thread pools with another: the NumPy contenders never have TensorFlow's
threads beside them. Every process loads the data and makes a warm-up run;
then the timed runs are interleaved: each of the ``--repeats`` rounds times
every contender once, one process at a time, so that a machine whose speed
drifts (other work starting, a shared core) slows all of them alike, and the
ratios printed at the end compare runs made side by side. In each round a
contender first trains one epoch that is not timed: the first epoch after its
process sat idle while the others ran is slower than the next ones (by about
a fifth for the floor on a 2-core machine), and timing it in the 1-epoch run
but not in the (1 + k)-epoch run that follows would make one epoch look
shorter than it is.

``--lecture`` times the lecture's configuration instead: 784-300-100-10, batches
of 32 and plain SGD with learning rate 0.01 (what the lecture's
``model.compile(..., optimizer="sgd")`` and ``model.fit`` use: Keras's defaults),
one thread, CPU clock (each can still be set by its own option).

``--baseline DIR`` adds a fifth contender, ``baseline``: the NumPy MLP of
another version of mlkit (the ``mlkit/`` folder in ``DIR``, e.g. unpacked there
with ``git archive COMMIT mlkit | tar -x -C DIR``), timed in the same rounds, so
that a change is compared with the code before it side by side (``numpy /
baseline``) rather than across runs made at different times.

Run it from the repository root, with the course's virtual environment::

    python benchmarks/mlp_epoch.py                 # full MNIST, batch 256, float32
    python benchmarks/mlp_epoch.py --lecture --only numpy floor   # 784-300-100-10, batch 32
    python benchmarks/mlp_epoch.py --threads 1 --clock cpu   # steadier on a busy machine
    python benchmarks/mlp_epoch.py --n 10000 --batch-size 128 --repeats 9
    python benchmarks/mlp_epoch.py --data random --n 2000   # a quick check, without MNIST
    python benchmarks/mlp_epoch.py --lecture --only numpy floor --baseline /tmp/before

MNIST is read with :func:`mlkit.datasets.load_mnist` (set ``MLKIT_DATA_DIR``
to a folder holding ``mnist/``, or let it download the files once).
"""

import argparse
import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lecture", action="store_true",
                        help="the lecture's configuration: --hiddens 300 100 --batch-size 32 "
                             "--momentum 0 --lr 0.01 (Keras's optimizer=\"sgd\") --threads 1 "
                             "--clock cpu, unless those options are given")
    parser.add_argument("--hiddens", type=int, nargs="*", default=None,
                        help="widths of the hidden layers (default: 256 128)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="examples per step (default: 256, as in the book's MNIST chapter)")
    parser.add_argument("--momentum", type=float, default=None,
                        help="SGD's momentum (default: 0.9, as in the book's MNIST chapter)")
    parser.add_argument("--lr", type=float, default=None,
                        help="the learning rate (default: 0.1)")
    parser.add_argument("--n", type=int, default=60000,
                        help="training examples: the first n of MNIST's training set")
    parser.add_argument("--data", choices=["mnist", "random"], default="mnist",
                        help="MNIST, or random images and labels of the same shapes, for a "
                             "quick check without the data files (default: mnist)")
    parser.add_argument("--epochs", type=int, default=2,
                        help="k: epochs timed after the first one (default: 2)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="rounds of runs; the best run of each kind counts (default: 5)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for BLAS and TensorFlow (default: the libraries' own)")
    parser.add_argument("--clock", choices=["wall", "cpu"], default=None,
                        help="wall-clock time, or the CPU time of the process (all its threads): "
                             "steadier on a busy machine, with --threads 1 (default: wall)")
    parser.add_argument("--only", nargs="*", choices=CONTENDERS, default=list(CONTENDERS),
                        help="run only these contenders")
    parser.add_argument("--baseline", metavar="DIR", default=None,
                        help="also time the NumPy MLP of another version of mlkit, the package "
                             "folder found in DIR (e.g. unpacked there by `git archive COMMIT "
                             "mlkit | tar -x -C DIR`), as the contender 'baseline'")
    parser.add_argument("--worker", choices=[*CONTENDERS, "baseline"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name, (book, lecture) in CONFIGURATIONS.items():
        if getattr(args, name) is None:
            setattr(args, name, lecture if args.lecture else book)
    if args.n < 1:
        parser.error(f"--n must be at least 1. Received: --n {args.n}")
    if args.baseline is not None and not (Path(args.baseline) / "mlkit" / "__init__.py").is_file():
        parser.error("--baseline must be a folder that holds another version's mlkit/ package. "
                     f"Received: --baseline {args.baseline} (no mlkit/__init__.py there)")
    if args.data == "mnist" and args.n > MNIST_TRAIN:
        parser.error(f"--n must be at most {MNIST_TRAIN}, the size of MNIST's training set "
                     f"(or use --data random). Received: --n {args.n}")
    return args


MNIST_TRAIN = 60000  # images in MNIST's training set
# option -> (default, with --lecture)
CONFIGURATIONS = {"hiddens": ([256, 128], [300, 100]), "batch_size": (256, 32),
                  "momentum": (0.9, 0.0), "lr": (0.1, 0.01),
                  "threads": (None, 1), "clock": ("wall", "cpu")}


def mnist(n):
    """The first ``n`` MNIST training images, flattened to 784 values in [0, 1], float32."""
    from mlkit.datasets import load_mnist

    (x_train, y_train), _ = load_mnist()
    X = (x_train[:n].reshape(-1, 28 * 28) / 255.0).astype(np.float32)
    return X, y_train[:n].astype(np.int64)


def random_data(n):
    """``n`` random images of 784 values in [0, 1], float32, and random labels 0..9."""
    rng = np.random.default_rng(0)
    return rng.random((n, 28 * 28), dtype=np.float32), rng.integers(0, 10, n)


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCKS["wall"]


def timed(run):
    """The time of one call of ``run()``, in seconds."""
    start = clock()
    run()
    return clock() - start


def measure(timers, args):
    """Interleaved timings of every contender's 1-epoch and (1 + k)-epoch runs.

    In each round, every contender in turn makes an untimed 1-epoch run, then
    the timed 1-epoch and (1 + k)-epoch runs.

    Args:
        timers: dict of name -> ``time_run(num_epochs)``, which trains (or, for
            the floor, multiplies) for that many epochs and returns the seconds it took.
        args: the parsed command line (``epochs`` = k, ``repeats``).

    Returns:
        dict of name -> ``(one, more)``, the lists of times of the
        ``--repeats`` runs of 1 epoch and of ``1 + k`` epochs, in round order.
    """
    times = {name: ([], []) for name in timers}
    for _ in range(args.repeats):  # one round times every contender once, side by side
        for name, time_run in timers.items():
            time_run(1)  # not counted: the first epoch after the process sat idle is slower
            times[name][0].append(time_run(1))
            times[name][1].append(time_run(1 + args.epochs))
    return times


def epoch_seconds(one, more, k):
    """One epoch, ``(best(1 + k epochs) - best(1 epoch)) / k``, from the runs' times."""
    return (min(more) - min(one)) / k


def mlkit_run(backend, X, y, args):
    """``make_run(num_epochs)`` for mlkit's MLP in the NumPy or TensorFlow backend."""
    if backend == "numpy":
        from mlkit.numpy import MLP
    else:
        from mlkit.tensorflow import MLP

    def make_run(num_epochs):
        model = MLP(tuple(args.hiddens), lr=args.lr, momentum=args.momentum, num_epochs=num_epochs,
                    batch_size=args.batch_size, seed=0)
        return lambda: model.fit(X, y)

    return make_run


def keras_run(X, y, args):
    """``make_run(num_epochs)`` for the same network in Keras, compiled once.

    Every run continues training the same model (which does not change the
    time of an epoch), so that its train function is traced once, in the warm-up.
    """
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input(shape=(X.shape[1],))]
        + [keras.layers.Dense(units, activation="relu") for units in args.hiddens]
        + [keras.layers.Dense(10)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=args.lr, momentum=args.momentum),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])

    def make_run(num_epochs):
        return lambda: model.fit(X, y, batch_size=args.batch_size, epochs=num_epochs,
                                 shuffle=True, verbose=0)

    return make_run


def floor_run(X, args):
    """``make_run(num_epochs)`` for the matrix products of back-propagation alone."""
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

    def make_run(num_epochs):
        def run():
            for _ in range(num_epochs):
                epoch()
        return run

    return make_run


CONTENDERS = ("numpy", "tensorflow", "keras", "floor")


def make_runs(name, args):
    """The data, and ``make_run(num_epochs)`` for the contender ``name``."""
    X, y = (mnist if args.data == "mnist" else random_data)(args.n)
    if name == "floor":
        return floor_run(X, args)
    if name == "keras":
        return keras_run(X, y, args)
    if name == "baseline":
        import mlkit

        found = Path(mlkit.__file__).resolve()
        if not found.is_relative_to(Path(args.baseline).resolve()):
            raise RuntimeError(f"the baseline's mlkit was imported from {found}, not from "
                               f"--baseline {args.baseline}")
        return mlkit_run("numpy", X, y, args)
    return mlkit_run(name, X, y, args)


def worker(args):
    """A contender's process: set up and warm up, then time the runs asked for on stdin.

    It prints ``ready`` after its warm-up run, then reads one number of epochs
    per line and answers each with the seconds that many epochs took.
    """
    global clock
    clock = CLOCKS[args.clock]
    if args.threads is not None:
        limit_threads(args.threads, [args.worker])
    make_run = make_runs(args.worker, args)
    runs = {num_epochs: make_run(num_epochs) for num_epochs in (1, 1 + args.epochs)}
    runs[1]()  # warm-up: imports, BLAS and TensorFlow thread pools, caches, tracing
    print("ready", flush=True)
    for line in sys.stdin:
        print(repr(timed(runs[int(line)])), flush=True)


class Contender:
    """The parent's handle on a contender's process: ``contender(num_epochs)`` -> seconds."""

    def __init__(self, name, argv, env=None):
        self.name = name
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), *argv, "--worker", name],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)

    def _answer(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"The {self.name} contender's process stopped "
                               f"(exit status {self.process.wait()}); its error is above.")
        return line.strip()

    def wait_ready(self):
        answer = self._answer()
        if answer != "ready":
            raise RuntimeError(f"The {self.name} contender's process printed {answer!r} "
                               "instead of 'ready'.")

    def __call__(self, num_epochs):
        self.process.stdin.write(f"{num_epochs}\n")
        self.process.stdin.flush()
        return float(self._answer())

    def close(self):
        self.process.communicate()  # closes stdin, which ends the worker's loop, and waits


def limit_threads(threads, contenders):
    """Run BLAS (and TensorFlow, before it starts) on ``threads`` threads."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(threads)
    if {"tensorflow", "keras"} & set(contenders):
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if args.worker:
        return worker(args)
    network = "-".join(str(s) for s in [28 * 28, *args.hiddens, 10])
    print(f"MLP {network} ReLU, SGD lr {args.lr} momentum {args.momentum}, "
          f"batch {args.batch_size}, float32, "
          f"{args.n} examples ({args.data}), threads {args.threads or 'default'}, "
          f"{args.clock} clock;\n"
          f"one epoch = (best of {args.repeats} x {1 + args.epochs} epochs "
          f"- best of {args.repeats} x 1) / {args.epochs}, one process per contender, "
          f"their runs interleaved", flush=True)
    contenders = {name: Contender(name, argv) for name in args.only}
    if args.baseline is not None:  # its mlkit first on the path, before the installed one
        path = os.pathsep.join(filter(None, [os.path.abspath(args.baseline),
                                             os.environ.get("PYTHONPATH")]))
        contenders["baseline"] = Contender("baseline", argv, {**os.environ, "PYTHONPATH": path})
    try:
        for contender in contenders.values():
            contender.wait_ready()
        times = measure(contenders, args)
    finally:
        for contender in contenders.values():
            contender.close()
    seconds = {}
    for name, (one, more) in times.items():
        seconds[name] = epoch_seconds(one, more, args.epochs)
        print(f"{name:>10s}: {seconds[name]:7.3f} s per epoch   (runs of 1 epoch: "
              f"{', '.join(f'{t:.3f}' for t in one)}; of {1 + args.epochs}: "
              f"{', '.join(f'{t:.3f}' for t in more)})")
    print()
    for name, reference in [("numpy", "floor"), ("baseline", "floor"), ("numpy", "baseline"),
                            ("numpy", "keras"), ("tensorflow", "keras"), ("keras", "floor")]:
        if name in seconds and reference in seconds:
            print(f"{name:>10s} / {reference:<6s} = {seconds[name] / seconds[reference]:.2f}")
    return seconds


if __name__ == "__main__":
    main()
