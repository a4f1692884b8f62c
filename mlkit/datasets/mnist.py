"""MNIST and Fashion-MNIST from their original IDX gzip files, as Keras returns them.

Where the files are looked for, file by file:

1. ``data_dir``, if given: ``data_dir/mnist/`` or ``data_dir/fashion-mnist/``;
2. else ``$MLKIT_DATA_DIR``, if set, in the same layout;
3. else the cache, ``$XDG_CACHE_HOME/mlkit/`` or ``~/.cache/mlkit/``;
4. else, for Fashion-MNIST, where Debian's package ``dataset-fashion-mnist``
   installs it (``/usr/share/datasets/fashion-mnist/``);
5. else the file is downloaded into the cache, from the first mirror that
   serves a good copy (``$MLKIT_DATA_MIRRORS``, space-separated base URLs,
   replaces the built-in mirrors).

A folder that was named (``data_dir`` or ``$MLKIT_DATA_DIR``) must hold the
files: naming a folder means "use this data", so a missing file there is an
error rather than a silent download elsewhere. Every file is checked, whatever
its origin, by the size and SHA-256 of its decompressed data.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from mlkit.datasets._download import download, mirrors_from_env
from mlkit.datasets._files import FileSpec, read_idx_gz

__all__ = ["load_mnist", "load_fashion_mnist"]

DATA_DIR_ENV = "MLKIT_DATA_DIR"


@dataclass(frozen=True)
class DatasetSpec:
    """Where a dataset's four files come from and what they must hold.

    Attributes:
        name: the dataset's name, for messages.
        folder: its folder in a data directory and in the cache.
        files: the train images, train labels, test images and test labels, in this order.
        mirrors: base URLs to download the files from, tried in order.
        debian_dir: the folder where a Debian package installs the files, or None.
        debian_package: that package's name.
    """

    name: str
    folder: str
    files: tuple[FileSpec, FileSpec, FileSpec, FileSpec]
    mirrors: tuple[str, ...]
    debian_dir: Path | None = None
    debian_package: str = ""


def _files(train_images_sha256, train_labels_sha256, test_images_sha256, test_labels_sha256):
    """The four FileSpecs of an MNIST-like dataset: 60,000 + 10,000 images of 28x28 pixels."""
    return (
        FileSpec("train-images-idx3-ubyte.gz", (60000, 28, 28), 47_040_016, train_images_sha256),
        FileSpec("train-labels-idx1-ubyte.gz", (60000,), 60_008, train_labels_sha256),
        FileSpec("t10k-images-idx3-ubyte.gz", (10000, 28, 28), 7_840_016, test_images_sha256),
        FileSpec("t10k-labels-idx1-ubyte.gz", (10000,), 10_008, test_labels_sha256),
    )


# SHA-256 of the decompressed upstream files (computed from copies whose .gz
# files match the published MD5s and SHA-256s; see the README's "## Data").
MNIST = DatasetSpec(
    name="MNIST",
    folder="mnist",
    files=_files(
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
    mirrors=(
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
    ),
)

FASHION_MNIST = DatasetSpec(
    name="Fashion-MNIST",
    folder="fashion-mnist",
    files=_files(
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ),
    mirrors=(
        # Zalando's own bucket; S3 website endpoints serve plain HTTP only, and the
        # checksums, not the transport, vouch for the data.
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
    ),
    # Debian keeps the upstream file names; only the gzip headers differ.
    debian_dir=Path("/usr/share/datasets/fashion-mnist"),
    debian_package="dataset-fashion-mnist",
)


def load_mnist(data_dir=None):
    """Load MNIST, the handwritten digits 0 to 9, as ``keras.datasets.mnist.load_data()`` does.

    The files are looked for in ``data_dir``, else ``$MLKIT_DATA_DIR``, else
    the cache (``~/.cache/mlkit/mnist/``), else downloaded into the cache (11 MB).

    Args:
        data_dir: a folder holding ``mnist/`` with the four original files
            (``train-images-idx3-ubyte.gz``, ``train-labels-idx1-ubyte.gz``,
            ``t10k-images-idx3-ubyte.gz``, ``t10k-labels-idx1-ubyte.gz``), or None.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``, uint8 arrays: ``x_train`` of
        shape (60000, 28, 28) and ``x_test`` of shape (10000, 28, 28) hold pixel
        intensities 0 (background) to 255; ``y_train`` of shape (60000,) and
        ``y_test`` of shape (10000,) hold the digits.

    Raises:
        DataFileError: a file is missing, damaged, or could not be downloaded.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_mnist()  # doctest: +SKIP
        >>> x_train.shape, y_train.shape, x_test.shape, y_test.shape  # doctest: +SKIP
        ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,))
    """
    return _load(MNIST, data_dir)


def load_fashion_mnist(data_dir=None):
    """Load Fashion-MNIST, as ``keras.datasets.fashion_mnist.load_data()`` does.

    Zalando's article images: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress,
    4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot. The files are
    looked for in ``data_dir``, else ``$MLKIT_DATA_DIR``, else the cache
    (``~/.cache/mlkit/fashion-mnist/``), else where Debian's package
    ``dataset-fashion-mnist`` puts them, else downloaded into the cache (30 MB).

    Args:
        data_dir: a folder holding ``fashion-mnist/`` with the four original
            files (named as for :func:`load_mnist`), or None.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``, uint8 arrays of shapes
        (60000, 28, 28), (60000,), (10000, 28, 28) and (10000,): pixel
        intensities 0 to 255, and class labels 0 to 9.

    Raises:
        DataFileError: a file is missing, damaged, or could not be downloaded.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_fashion_mnist()  # doctest: +SKIP
        >>> x_train.shape, y_test[:3]  # doctest: +SKIP
        ((60000, 28, 28), array([9, 2, 1], dtype=uint8))
    """
    return _load(FASHION_MNIST, data_dir)


def cache_dir():
    """mlkit's cache folder: ``$XDG_CACHE_HOME/mlkit``, or ``~/.cache/mlkit``."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "mlkit"


def _load(spec, data_dir):
    """Find, check and read the four files of ``spec``."""
    x_train, y_train, x_test, y_test = (_load_file(spec, file, data_dir) for file in spec.files)
    return (x_train, y_train), (x_test, y_test)


def _load_file(spec, file, data_dir):
    """Read one file from the first place that has it (see the module docstring)."""
    how = _how_to_get(spec)
    named = _named_dir(data_dir)
    if named is not None:
        root, why = named
        path = root / spec.folder / file.name
        hint = ""
        if not path.exists() and (root / file.name).exists():
            hint = (f"\n{root} itself holds {file.name}: name the folder above it, which holds "
                    f"one folder per dataset.")
        return read_idx_gz(path, file, f"It was looked for there because {why}.{hint}\n{how}")
    cached = cache_dir() / spec.folder / file.name
    if cached.exists():
        return read_idx_gz(cached, file, f"It is in mlkit's cache: delete it to download a "
                                         f"fresh copy.\n{how}")
    if spec.debian_dir is not None and (spec.debian_dir / file.name).exists():
        return read_idx_gz(spec.debian_dir / file.name, file,
                           f"It belongs to Debian's package {spec.debian_package}: reinstall "
                           f"it (apt-get install --reinstall {spec.debian_package}).\n{how}")
    return download(file, cached, mirrors=mirrors_from_env(spec.mirrors), remedy=how)


def _named_dir(data_dir):
    """``(folder, why it was chosen)`` for ``data_dir`` or ``$MLKIT_DATA_DIR``, or None."""
    if data_dir is not None:
        return Path(data_dir).expanduser(), f"of the argument data_dir={str(data_dir)!r}"
    env = os.environ.get(DATA_DIR_ENV, "")
    if env:
        return Path(env).expanduser(), f"{DATA_DIR_ENV}={env!r}"
    return None


def _how_to_get(spec):
    """How to get the data, for error messages."""
    return (f"To get {spec.name}, set {DATA_DIR_ENV} (or pass data_dir) to a folder holding "
            f"{spec.folder}/ with the files {', '.join(f.name for f in spec.files)}; "
            f"or leave both unset to download them into {cache_dir() / spec.folder} "
            f"(from {mirrors_from_env(spec.mirrors)[0]}).")
