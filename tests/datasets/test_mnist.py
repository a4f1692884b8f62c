"""Tests of load_mnist and load_fashion_mnist on the original files (MLKIT_DATA_DIR)."""

import dataclasses
import gzip
import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

import mlkit.datasets.mnist as mnist_module
from mlkit.datasets import DataFileError, load_fashion_mnist, load_mnist
from tests.datasets.idx import NAMES, debian_style, gz, idx_bytes
from tests.helpers import ROOT

# The SHA-256s of the upstream .gz files, as published (and pinned by many projects):
# the decompressed checksums in mlkit come from files that match these.
PUBLISHED_GZ_SHA256 = {
    "mnist/train-images-idx3-ubyte.gz":
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "mnist/train-labels-idx1-ubyte.gz":
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "mnist/t10k-images-idx3-ubyte.gz":
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "mnist/t10k-labels-idx1-ubyte.gz":
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    "fashion-mnist/train-images-idx3-ubyte.gz":
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "fashion-mnist/train-labels-idx1-ubyte.gz":
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "fashion-mnist/t10k-images-idx3-ubyte.gz":
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "fashion-mnist/t10k-labels-idx1-ubyte.gz":
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
}
SHAPES = [(60000, 28, 28), (60000,), (10000, 28, 28), (10000,)]
# Images per digit in MNIST, as commonly tabulated.
MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def flat(data):
    """``((x_train, y_train), (x_test, y_test))`` as a list of four arrays."""
    (x_train, y_train), (x_test, y_test) = data
    return [x_train, y_train, x_test, y_test]


def scaled_mean_and_std(images):
    """Mean and standard deviation of the pixels divided by 255, from their histogram (fast)."""
    counts = np.bincount(images.ravel(), minlength=256)
    values = np.arange(256) / 255.0
    mean = counts @ values / counts.sum()
    return mean, np.sqrt(counts @ (values - mean) ** 2 / counts.sum())


@pytest.fixture(scope="module")
def mnist(shared_data):
    """MNIST loaded once from the shared folder, as four arrays."""
    return flat(load_mnist(shared_data))


@pytest.fixture(scope="module")
def fashion(shared_data):
    """Fashion-MNIST loaded once from the shared folder, as four arrays."""
    return flat(load_fashion_mnist(shared_data))


class TestSharedFiles:
    @pytest.mark.parametrize("name", sorted(PUBLISHED_GZ_SHA256))
    def test_shared_files_are_the_published_ones(self, shared_data, name):
        """The .gz files the checksums were computed from are the published upstream files."""
        digest = hashlib.sha256((shared_data / name).read_bytes()).hexdigest()
        assert digest == PUBLISHED_GZ_SHA256[name]


class TestLoadMnist:
    def test_shapes_and_dtype_are_those_of_keras(self, mnist):
        """Four uint8 arrays of shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,)."""
        assert [array.shape for array in mnist] == SHAPES
        assert all(array.dtype == np.uint8 for array in mnist)

    def test_first_labels(self, mnist):
        """The first training digits are 5 0 4 1 9, the first test digits 7 2 1 0 4."""
        assert mnist[1][:5].tolist() == [5, 0, 4, 1, 9]
        assert mnist[3][:5].tolist() == [7, 2, 1, 0, 4]

    def test_digit_counts(self, mnist):
        """Each digit appears as often as in the published tables."""
        assert np.bincount(mnist[1]).tolist() == MNIST_TRAIN_COUNTS
        assert np.bincount(mnist[3]).tolist() == MNIST_TEST_COUNTS

    def test_pixels_span_0_to_255(self, mnist):
        """Pixels go from 0 (background) to 255."""
        for images in (mnist[0], mnist[2]):
            assert images.min() == 0 and images.max() == 255

    def test_mean_and_std_are_the_usual_ones(self, mnist):
        """Scaled to [0, 1], the training pixels have the familiar mean 0.1307 and std 0.3081."""
        mean, std = scaled_mean_and_std(mnist[0])
        assert mean == pytest.approx(0.1307, abs=5e-5)
        assert std == pytest.approx(0.3081, abs=5e-5)

    def test_arrays_are_writable(self, mnist):
        """The arrays own writable, C-contiguous memory (unlike np.frombuffer's)."""
        assert all(array.flags.writeable and array.flags.c_contiguous for array in mnist)

    def test_env_var_is_used(self, shared_data, monkeypatch, mnist):
        """Without data_dir, MLKIT_DATA_DIR names the folder (and gives the same arrays)."""
        monkeypatch.setenv("MLKIT_DATA_DIR", str(shared_data))
        for loaded, expected in zip(flat(load_mnist()), mnist, strict=True):
            np.testing.assert_array_equal(loaded, expected)

    def test_dataset_folder_itself_gets_a_hint(self, shared_data):
        """Naming mnist/ instead of its parent folder is an error that says so."""
        with pytest.raises(DataFileError, match=r"itself holds train-images-idx3-ubyte\.gz"):
            load_mnist(shared_data / "mnist")


class TestLoadFashionMnist:
    def test_shapes_and_dtype_are_those_of_keras(self, fashion):
        """Four uint8 arrays of shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,)."""
        assert [array.shape for array in fashion] == SHAPES
        assert all(array.dtype == np.uint8 for array in fashion)

    def test_first_labels(self, fashion):
        """The first training labels are 9 0 0 3 0 (ankle boot, T-shirts, dress), test 9 2 1."""
        assert fashion[1][:5].tolist() == [9, 0, 0, 3, 0]
        assert fashion[3][:3].tolist() == [9, 2, 1]

    def test_mean_and_std_are_the_usual_ones(self, fashion):
        """Scaled to [0, 1], the training pixels have the familiar mean 0.2860 and std 0.3530."""
        mean, std = scaled_mean_and_std(fashion[0])
        assert mean == pytest.approx(0.2860, abs=5e-5)
        assert std == pytest.approx(0.3530, abs=5e-5)

    def test_classes_are_balanced(self, fashion):
        """Each of the ten classes has 6,000 training and 1,000 test images."""
        assert np.bincount(fashion[1]).tolist() == [6000] * 10
        assert np.bincount(fashion[3]).tolist() == [1000] * 10

    def test_env_var_is_used(self, shared_data, monkeypatch, fashion):
        """Without data_dir, MLKIT_DATA_DIR names the folder (and gives the same arrays)."""
        monkeypatch.setenv("MLKIT_DATA_DIR", str(shared_data))
        for loaded, expected in zip(flat(load_fashion_mnist()), fashion, strict=True):
            np.testing.assert_array_equal(loaded, expected)

    def test_debian_style_copy_passes(self, shared_data, tmp_path, monkeypatch, fashion):
        """A copy with Debian's gzip headers (other .gz bytes, same data) is found and accepted."""
        debian = tmp_path / "debian"
        debian.mkdir()
        for name in NAMES:
            upstream = (shared_data / "fashion-mnist" / name).read_bytes()
            (debian / name).write_bytes(debian_style(upstream))
            assert (debian / name).read_bytes() != upstream
        monkeypatch.setattr(mnist_module, "FASHION_MNIST", dataclasses.replace(
            mnist_module.FASHION_MNIST, debian_dir=debian))
        for loaded, expected in zip(flat(load_fashion_mnist()), fashion, strict=True):
            np.testing.assert_array_equal(loaded, expected)
        assert not (tmp_path / "cache").exists()

    @pytest.mark.slow
    def test_same_arrays_as_keras(self, shared_data, tmp_path, fashion):
        """keras.datasets.fashion_mnist.load_data(), given the files in its cache, agrees."""
        keras_files = tmp_path / "keras" / "datasets" / "fashion-mnist"
        keras_files.mkdir(parents=True)
        for name in NAMES:
            (keras_files / name).symlink_to(shared_data / "fashion-mnist" / name)
        out = tmp_path / "keras.npz"
        code = ("import sys, numpy as np, keras\n"
                "(a, b), (c, d) = keras.datasets.fashion_mnist.load_data()\n"
                "np.savez(sys.argv[1], a=a, b=b, c=c, d=d)\n")
        env = {**os.environ, "KERAS_HOME": str(tmp_path / "keras"), "CUDA_VISIBLE_DEVICES": "",
               "TF_CPP_MIN_LOG_LEVEL": "3"}
        result = subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=300, check=False)
        assert result.returncode == 0, result.stderr
        with np.load(out) as keras:
            for key, array in zip("abcd", fashion, strict=True):
                assert keras[key].dtype == array.dtype
                np.testing.assert_array_equal(keras[key], array)


def _labels(upstream):
    """The labels of an upstream IDX label .gz file, parsed here independently."""
    return np.frombuffer(gzip.decompress(upstream), np.uint8, offset=8).copy()


def _flip_middle_byte(upstream):
    """``upstream`` with the bits of its middle byte inverted."""
    middle = len(upstream) // 2
    return upstream[:middle] + bytes([upstream[middle] ^ 0xFF]) + upstream[middle + 1:]


def _one_label_changed(upstream):
    """A well-formed label file whose first label is wrong."""
    labels = _labels(upstream)
    labels[0] = (labels[0] + 1) % 10
    return gz(idx_bytes(labels))


DAMAGES = {
    "missing": (lambda upstream: None, "no such file"),
    "empty": (lambda upstream: b"", "an empty file"),
    "too short": (lambda upstream: gz(b"\x00\x00"), "2 bytes once decompressed, too few"),
    "truncated": (lambda upstream: upstream[:len(upstream) // 2], "ends early"),
    "flipped byte": (_flip_middle_byte, "do not decompress"),
    "wrong magic": (lambda upstream: gz(idx_bytes(_labels(upstream), magic=2051)),
                    "magic number 2051 instead of 2049"),
    "wrong count": (lambda upstream: gz(idx_bytes(_labels(upstream)[:-1])),
                    "announcing shape (59999,) instead of (60000,)"),
    "one label changed": (_one_label_changed, "60,008 bytes with SHA-256 "),
}


class TestDamagedFiles:
    @pytest.mark.parametrize("damage", list(DAMAGES))
    def test_clear_error(self, shared_data, tmp_path, damage):
        """A damaged label file: a DataFileError naming it, what was expected and what was found."""
        make, found = DAMAGES[damage]
        folder = tmp_path / "data" / "mnist"
        folder.mkdir(parents=True)
        for name in NAMES:
            (folder / name).symlink_to(shared_data / "mnist" / name)
        path = folder / "train-labels-idx1-ubyte.gz"
        path.unlink()
        content = make((shared_data / "mnist" / path.name).read_bytes())
        if content is not None:
            path.write_bytes(content)
        with pytest.raises(DataFileError) as info:
            load_mnist(tmp_path / "data")
        message = str(info.value)
        assert isinstance(info.value, OSError)
        assert str(path) in message
        assert "expected: gzip-compressed IDX labels of shape (60000,), 60,008 bytes" in message
        assert mnist_module.MNIST.files[1].sha256 in message
        assert found in message.split("found: ", 1)[1]
        assert "MLKIT_DATA_DIR" in message

