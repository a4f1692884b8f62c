"""Where load_mnist and load_fashion_mnist look for their files, and in which order."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import mlkit.datasets.mnist as mnist_module
from mlkit.datasets import DataFileError, load_fashion_mnist, load_mnist
from mlkit.datasets.mnist import cache_dir
from tests.datasets.idx import NAMES, assert_loaded, write_files

# Taken before the autouse fixture points FASHION_MNIST's Debian folder elsewhere.
FASHION_MNIST = mnist_module.FASHION_MNIST
JUNK = dict.fromkeys(NAMES, b"not a data file")


def use_debian_dir(monkeypatch, folder):
    """Make ``folder`` stand in for Fashion-MNIST's Debian folder."""
    monkeypatch.setattr(mnist_module, "FASHION_MNIST", dataclasses.replace(
        mnist_module.FASHION_MNIST, debian_dir=folder))


class TestLookupOrder:
    def test_data_dir_beats_env_var(self, synthetic, tmp_path, monkeypatch):
        """An explicit data_dir is used even when MLKIT_DATA_DIR names another folder."""
        arrays, files = synthetic
        write_files(tmp_path / "mine" / "mnist", files)
        write_files(tmp_path / "env" / "mnist", JUNK)
        monkeypatch.setenv("MLKIT_DATA_DIR", str(tmp_path / "env"))
        assert_loaded(load_mnist(tmp_path / "mine"), arrays)

    def test_data_dir_must_hold_the_files(self, synthetic, tmp_path, monkeypatch, server):
        """A data_dir without the files is an error: no fall-back to the env var or a download."""
        _, files = synthetic
        write_files(tmp_path / "env" / "mnist", files)
        monkeypatch.setenv("MLKIT_DATA_DIR", str(tmp_path / "env"))
        monkeypatch.setenv("MLKIT_DATA_MIRRORS", server.serve("m", files))
        (tmp_path / "empty").mkdir()
        with pytest.raises(DataFileError) as info:
            load_mnist(tmp_path / "empty")
        assert str(tmp_path / "empty" / "mnist" / NAMES[0]) in str(info.value)
        assert "because of the argument data_dir=" in str(info.value)
        assert server.requests == []

    def test_env_var_beats_cache(self, synthetic, tmp_path, monkeypatch):
        """MLKIT_DATA_DIR is used even when the cache holds (here: damaged) files."""
        arrays, files = synthetic
        write_files(tmp_path / "env" / "fashion-mnist", files)
        write_files(cache_dir() / "fashion-mnist", JUNK)
        monkeypatch.setenv("MLKIT_DATA_DIR", str(tmp_path / "env"))
        assert_loaded(load_fashion_mnist(), arrays)

    def test_env_var_folder_must_hold_the_files(self, synthetic, tmp_path, monkeypatch, server):
        """An MLKIT_DATA_DIR without the files is an error naming the variable, no download."""
        _, files = synthetic
        write_files(cache_dir() / "mnist", files)
        monkeypatch.setenv("MLKIT_DATA_MIRRORS", server.serve("m", files))
        monkeypatch.setenv("MLKIT_DATA_DIR", str(tmp_path / "nowhere"))
        with pytest.raises(DataFileError, match="because MLKIT_DATA_DIR=") as info:
            load_mnist()
        assert str(tmp_path / "nowhere" / "mnist" / NAMES[0]) in str(info.value)
        assert server.requests == []

    def test_empty_env_var_counts_as_unset(self, synthetic, monkeypatch):
        """MLKIT_DATA_DIR= (empty) is ignored, and the cache is used."""
        arrays, files = synthetic
        write_files(cache_dir() / "mnist", files)
        monkeypatch.setenv("MLKIT_DATA_DIR", "")
        assert_loaded(load_mnist(), arrays)

    def test_cache_beats_debian(self, synthetic, tmp_path, monkeypatch):
        """Files in the cache are used before Debian's copy."""
        arrays, files = synthetic
        write_files(cache_dir() / "fashion-mnist", files)
        use_debian_dir(monkeypatch, write_files(tmp_path / "debian", JUNK))
        assert_loaded(load_fashion_mnist(), arrays)

    def test_debian_copy_beats_download(self, synthetic, tmp_path, monkeypatch, server):
        """Without a cached copy, Debian's is read in place: nothing downloaded or cached."""
        arrays, files = synthetic
        use_debian_dir(monkeypatch, write_files(tmp_path / "debian", files))
        monkeypatch.setenv("MLKIT_DATA_MIRRORS", server.serve("f", files))
        assert_loaded(load_fashion_mnist(), arrays)
        assert server.requests == []
        assert not cache_dir().exists()

    def test_mnist_ignores_the_debian_folder(self, synthetic, tmp_path, monkeypatch, server):
        """MNIST has no Debian copy: with an empty cache it is downloaded."""
        arrays, files = synthetic
        use_debian_dir(monkeypatch, write_files(tmp_path / "debian", files))
        monkeypatch.setenv("MLKIT_DATA_MIRRORS", server.serve("m", files))
        assert_loaded(load_mnist(), arrays)
        assert len(server.requests) == 4

    def test_damaged_cache_file_is_reported_not_replaced(self, synthetic, monkeypatch, server):
        """A damaged file in the cache is an error saying to delete it; it is not re-downloaded."""
        _, files = synthetic
        write_files(cache_dir() / "mnist", {**files, NAMES[2]: b"junk"})
        monkeypatch.setenv("MLKIT_DATA_MIRRORS", server.serve("m", files))
        with pytest.raises(DataFileError, match="delete it to download a fresh copy") as info:
            load_mnist()
        assert str(cache_dir() / "mnist" / NAMES[2]) in str(info.value)
        assert server.requests == []

    def test_damaged_debian_file_says_reinstall(self, synthetic, tmp_path, monkeypatch):
        """A damaged file of Debian's package is an error that says to reinstall the package."""
        _, files = synthetic
        use_debian_dir(monkeypatch, write_files(tmp_path / "debian", {**files, NAMES[0]: b""}))
        with pytest.raises(DataFileError, match="install --reinstall dataset-fashion-mnist"):
            load_fashion_mnist()

    def test_data_dir_may_start_with_tilde(self, synthetic, tmp_path, monkeypatch):
        """``~`` in data_dir is the home folder."""
        arrays, files = synthetic
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        write_files(tmp_path / "home" / "data" / "mnist", files)
        assert_loaded(load_mnist("~/data"), arrays)


class TestCacheDir:
    def test_follows_xdg_cache_home(self, tmp_path, monkeypatch):
        """The cache is $XDG_CACHE_HOME/mlkit."""
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        assert cache_dir() == tmp_path / "xdg" / "mlkit"

    @pytest.mark.parametrize("value", [None, "", "relative/path"])
    def test_defaults_to_dot_cache(self, tmp_path, monkeypatch, value):
        """Without a usable (absolute) XDG_CACHE_HOME, the cache is ~/.cache/mlkit."""
        monkeypatch.setenv("HOME", str(tmp_path))
        if value is None:
            monkeypatch.delenv("XDG_CACHE_HOME")
        else:
            monkeypatch.setenv("XDG_CACHE_HOME", value)
        assert cache_dir() == tmp_path / ".cache" / "mlkit"


class TestSpecs:
    @pytest.mark.parametrize("spec", [mnist_module.MNIST, FASHION_MNIST], ids=lambda s: s.name)
    def test_sizes_match_shapes(self, spec):
        """Each file's decompressed size is its IDX header plus one byte per value."""
        for file in spec.files:
            assert file.size == 4 + 4 * len(file.shape) + int(np.prod(file.shape))
            assert len(file.sha256) == 64 and int(file.sha256, 16) >= 0

    def test_debian_folder_is_that_of_the_package(self):
        """Fashion-MNIST's Debian copy is looked for where dataset-fashion-mnist installs it."""
        assert FASHION_MNIST.debian_dir == Path("/usr/share/datasets/fashion-mnist")
        assert FASHION_MNIST.debian_package == "dataset-fashion-mnist"
        assert mnist_module.MNIST.debian_dir is None

    def test_mirrors(self):
        """The built-in mirrors are the canonical ones, in order."""
        assert mnist_module.MNIST.mirrors == (
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "https://ossci-datasets.s3.amazonaws.com/mnist/")
        assert FASHION_MNIST.mirrors[1] == (
            "https://storage.googleapis.com/tensorflow/tf-keras-datasets/")
