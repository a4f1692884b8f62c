"""Tests of benchmarks/mlp_epoch.py: what it times, in what order, and that every contender runs."""

import shutil

import numpy as np
import pytest

from tests.helpers import ROOT, load_module

SCRIPT = ROOT / "benchmarks" / "mlp_epoch.py"


@pytest.fixture(scope="module")
def bench():
    return load_module(SCRIPT, "mlp_epoch")


def test_runs_are_interleaved(bench):
    """Each round, each contender in turn: an untimed epoch, then the 1- and (1 + k)-epoch runs."""
    calls = []

    def recorder(name):
        def time_run(num_epochs):
            calls.append((name, num_epochs))
            return 0.5 * num_epochs
        return time_run

    args = bench.parse_args(["--repeats", "2", "--epochs", "3"])
    times = bench.measure({"a": recorder("a"), "b": recorder("b")}, args)
    assert calls == [("a", 1), ("a", 1), ("a", 4), ("b", 1), ("b", 1), ("b", 4),
                     ("a", 1), ("a", 1), ("a", 4), ("b", 1), ("b", 1), ("b", 4)]
    assert times == {"a": ([0.5, 0.5], [2.0, 2.0]), "b": ([0.5, 0.5], [2.0, 2.0])}


def test_one_epoch_is_the_difference_of_the_best_runs(bench):
    """(best of the 1 + k epoch runs - best of the 1 epoch runs) / k, by hand."""
    assert bench.epoch_seconds([1.5, 1.2, 1.3], [3.9, 3.2, 3.6], 2) == pytest.approx(1.0)


@pytest.mark.slow
def test_every_contender_runs_in_its_own_process(bench, capsys):
    """A short run of all four contenders gives positive times and prints the four ratios."""
    seconds = bench.main(["--data", "random", "--n", "600", "--batch-size", "100",
                          "--repeats", "2", "--epochs", "1", "--threads", "1"])
    assert set(seconds) == {"numpy", "tensorflow", "keras", "floor"}
    assert all(np.isfinite(value) for value in seconds.values())
    output = capsys.readouterr().out
    assert "one process per contender" in output
    for ratio in ["numpy / floor", "numpy / keras", "tensorflow / keras", "keras / floor"]:
        assert ratio in output


def test_a_contender_that_fails_is_reported(bench, tmp_path, monkeypatch):
    """A contender whose process dies (here: no MNIST to be found) stops the run with its name."""
    monkeypatch.setenv("MLKIT_DATA_DIR", str(tmp_path))  # an empty folder: load_mnist fails
    with pytest.raises(RuntimeError, match="The floor contender's process stopped"):
        bench.main(["--only", "floor", "--n", "100", "--repeats", "1"])


@pytest.mark.parametrize(("argv", "message"), [
    (["--n", "0"], "--n must be at least 1. Received: --n 0"),
    (["--n", "60001"], "--n must be at most 60000, the size of MNIST's training set"),
])
def test_bad_sizes_are_refused(bench, capsys, argv, message):
    """A number of examples that MNIST cannot give is an error before anything starts."""
    with pytest.raises(SystemExit):
        bench.parse_args(argv)
    assert message in capsys.readouterr().err


def test_random_data_may_be_larger_than_mnist(bench):
    """--data random makes as many examples as asked."""
    assert bench.parse_args(["--data", "random", "--n", "70000"]).n == 70000


def test_the_lecture_configuration_is_the_lectures_keras_defaults(bench):
    """--lecture: 784-300-100-10, batch 32, plain SGD at lr 0.01 (optimizer="sgd"), one thread."""
    args = bench.parse_args(["--lecture"])
    assert (args.hiddens, args.batch_size, args.momentum, args.lr, args.threads, args.clock) == (
        [300, 100], 32, 0.0, 0.01, 1, "cpu")
    book = bench.parse_args([])
    assert (book.hiddens, book.batch_size, book.momentum, book.lr) == ([256, 128], 256, 0.9, 0.1)
    assert bench.parse_args(["--lecture", "--momentum", "0.9"]).momentum == 0.9


@pytest.mark.slow
def test_a_baseline_version_runs_beside_the_current_one(bench, tmp_path, capsys):
    """--baseline DIR times the NumPy MLP of the mlkit found in DIR (its process checks that it
    imported that one), in the same rounds, and prints numpy / baseline."""
    shutil.copytree(ROOT / "mlkit", tmp_path / "mlkit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    seconds = bench.main(["--data", "random", "--n", "300", "--batch-size", "100",
                          "--repeats", "1", "--epochs", "1", "--threads", "1",
                          "--only", "numpy", "--baseline", str(tmp_path)])
    assert set(seconds) == {"numpy", "baseline"}
    assert all(np.isfinite(value) and value > 0 for value in seconds.values())
    assert "numpy / baseline" in capsys.readouterr().out


def test_a_baseline_folder_without_mlkit_is_refused(bench, tmp_path, capsys):
    """--baseline must name a folder that holds a version's mlkit/ package."""
    with pytest.raises(SystemExit):
        bench.parse_args(["--baseline", str(tmp_path)])
    assert (f"--baseline must be a folder that holds another version's mlkit/ package. "
            f"Received: --baseline {tmp_path}") in capsys.readouterr().err
