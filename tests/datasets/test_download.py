"""Downloading into the cache from a local HTTP server: mirrors, fall-back, damaged downloads."""

import subprocess
import sys

import pytest

import mlkit.datasets.mnist as mnist_module
from mlkit.datasets import DataFileError, load_fashion_mnist, load_mnist
from mlkit.datasets._download import download
from mlkit.datasets.mnist import cache_dir
from tests.datasets.idx import (
    NAMES,
    assert_loaded,
    closed_port_url,
    gz,
    idx_bytes,
    synthetic_dataset,
)
from tests.helpers import ROOT


def files_in_cache():
    """The names of all files under the cache folder, temporary ones included."""
    root = cache_dir()
    return sorted(path.name for path in root.rglob("*") if path.is_file()) if root.exists() else []


def wrong_copies():
    """Well-formed IDX files of the right shapes but other data than the ``synthetic`` fixture's."""
    arrays, _, _ = synthetic_dataset(seed=1)
    return {name: gz(idx_bytes(array)) for name, array in zip(NAMES, arrays, strict=True)}


class TestDownload:
    def test_downloads_into_the_cache_and_reuses_it(self, synthetic, monkeypatch, server):
        """The four files are downloaded once into the cache, then read from there."""
        arrays, files = synthetic
        monkeypatch.setenv("MLKIT_DATA_MIRRORS", server.serve("mnist", files))
        assert_loaded(load_mnist(), arrays)
        assert sorted(server.requests) == sorted(f"/mnist/{name}" for name in NAMES)
        assert files_in_cache() == sorted(NAMES)
        for name in NAMES:
            assert (cache_dir() / "mnist" / name).read_bytes() == files[name]
        assert_loaded(load_mnist(), arrays)
        assert len(server.requests) == 4

    def test_only_missing_files_are_downloaded(self, synthetic, monkeypatch, server):
        """With two files already cached, only the other two are requested."""
        arrays, files = synthetic
        (cache_dir() / "fashion-mnist").mkdir(parents=True)
        for name in NAMES[:2]:
            (cache_dir() / "fashion-mnist" / name).write_bytes(files[name])
        monkeypatch.setenv("MLKIT_DATA_MIRRORS", server.serve("f", files))
        assert_loaded(load_fashion_mnist(), arrays)
        assert sorted(server.requests) == sorted(f"/f/{name}" for name in NAMES[2:])

    def test_second_mirror_after_404(self, synthetic, monkeypatch, server):
        """A mirror that answers 404 is skipped for the next one."""
        arrays, files = synthetic
        mirrors = f"{server.url('gone')} {server.serve('good', files)}"
        monkeypatch.setenv("MLKIT_DATA_MIRRORS", mirrors)
        assert_loaded(load_mnist(), arrays)
        assert server.requests[:2] == [f"/gone/{NAMES[0]}", f"/good/{NAMES[0]}"]
        assert files_in_cache() == sorted(NAMES)

    def test_second_mirror_after_a_wrong_copy(self, synthetic, monkeypatch, server):
        """A mirror serving other data is skipped, and its copy is not kept."""
        arrays, files = synthetic
        mirrors = f"{server.serve('bad', wrong_copies())} {server.serve('good', files)}"
        monkeypatch.setenv("MLKIT_DATA_MIRRORS", mirrors)
        assert_loaded(load_mnist(), arrays)
        for name in NAMES:
            assert (cache_dir() / "mnist" / name).read_bytes() == files[name]
        assert files_in_cache() == sorted(NAMES)

    @pytest.mark.parametrize(("mode", "reason"), [
        ("cut", "the server sent"),
        ("cut-unannounced", "gzip stream ends early"),
    ])
    def test_truncated_body_is_not_kept(self, synthetic, monkeypatch, server, mode, reason):
        """A body cut in half, with or without a Content-Length, is an error; nothing is cached."""
        _, files = synthetic
        url = server.serve("m", files, mode=mode)
        monkeypatch.setenv("MLKIT_DATA_MIRRORS", url)
        with pytest.raises(DataFileError) as info:
            load_mnist()
        message = str(info.value)
        assert f"Could not download {NAMES[0]}" in message
        assert f"{url}{NAMES[0]}: " in message and reason in message
        assert mnist_module.MNIST.files[0].sha256 in message
        assert files_in_cache() == []

    def test_corrupt_body_is_not_kept(self, synthetic, monkeypatch, server):
        """Other data than expected are an error saying what they hold; nothing is cached."""
        monkeypatch.setenv("MLKIT_DATA_MIRRORS", server.serve("m", wrong_copies()))
        with pytest.raises(DataFileError, match="the download is not a good copy") as info:
            load_mnist()
        assert "SHA-256" in str(info.value).split("tried:", 1)[1]
        assert files_in_cache() == []

    def test_no_server_says_how_to_get_the_data(self, synthetic):
        """With no server listening, the error names each URL and says how else to get the data."""
        with pytest.raises(DataFileError) as info:
            load_fashion_mnist()
        message = str(info.value)
        assert "cannot reach the server" in message
        assert "Connection refused" in message
        assert "set MLKIT_DATA_DIR (or pass data_dir)" in message
        assert str(cache_dir() / "fashion-mnist") in message
        assert files_in_cache() == []

    def test_malformed_mirror_is_skipped(self, synthetic, monkeypatch, server):
        """A mirror that is not a URL is reported and skipped for the next one."""
        arrays, files = synthetic
        monkeypatch.setenv("MLKIT_DATA_MIRRORS", f"not-a-url {server.serve('m', files)}")
        assert_loaded(load_mnist(), arrays)
        assert files_in_cache() == sorted(NAMES)

    def test_mirrors_keyword(self, synthetic, tmp_path, server):
        """download(mirrors=...) uses the mirrors given, in order, and stores the checked file."""
        arrays, files = synthetic
        spec = mnist_module.MNIST.files[1]
        dest = tmp_path / "out" / spec.name
        mirrors = [closed_port_url(), server.serve("m", files)]
        label_array = download(spec, dest, mirrors=mirrors, remedy="")
        assert label_array.tolist() == arrays[1].tolist()
        assert dest.read_bytes() == files[spec.name]
        assert sorted(path.name for path in dest.parent.iterdir()) == [spec.name]

    def test_works_without_tqdm(self, synthetic, monkeypatch, server):
        """Without tqdm installed, downloads still work (without a progress bar)."""
        arrays, files = synthetic
        monkeypatch.setitem(sys.modules, "tqdm", None)
        monkeypatch.setenv("MLKIT_DATA_MIRRORS", server.serve("m", files))
        assert_loaded(load_mnist(), arrays)


class TestDownloadRealFiles:
    def test_original_files_pass(self, shared_data, monkeypatch, server):
        """The original MNIST files, served locally, are downloaded and pass the real checks."""
        files = {name: (shared_data / "mnist" / name).read_bytes() for name in NAMES}
        monkeypatch.setenv("MLKIT_DATA_MIRRORS", server.serve("mnist", files))
        (x_train, y_train), (x_test, y_test) = load_mnist()
        assert (x_train.shape, y_train[0], x_test.shape, y_test[0]) == ((60000, 28, 28), 5,
                                                                        (10000, 28, 28), 7)
        for name in NAMES:
            assert (cache_dir() / "mnist" / name).read_bytes() == files[name]


class TestImport:
    def test_imports_neither_tensorflow_nor_tqdm(self):
        """Importing mlkit.datasets imports neither TensorFlow nor tqdm."""
        code = ("import sys, mlkit.datasets; "
                "assert 'tensorflow' not in sys.modules, 'tensorflow was imported'; "
                "assert 'tqdm' not in sys.modules, 'tqdm was imported'")
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                                text=True, timeout=60, check=False)
        assert result.returncode == 0, result.stderr
