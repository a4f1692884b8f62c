"""An installed mlkit speaks Korean without a hand step: the catalogues ship in the wheel."""

import shutil
import subprocess
import sys
import zipfile

import pytest

from tests.helpers import ROOT, tool_env

pytestmark = pytest.mark.slow  # builds and installs a wheel


def test_installed_wheel_says_korean(tmp_path):
    """A wheel built from the sources holds the catalogues, and its mlkit says Korean."""
    source = tmp_path / "source"
    shutil.copytree(ROOT / "mlkit", source / "mlkit",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "--quiet", "-w", str(wheels), str(source)], check=True, env=tool_env(),
                   capture_output=True, timeout=600)
    wheel = next(wheels.glob("mlkit-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"mlkit/locales/mlkit.pot", "mlkit/locales/ko/LC_MESSAGES/mlkit.po",
            "mlkit/grading/templates/feedback/translated.html.j2"} <= names
    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target",
                    str(target), str(wheel)], check=True, env=tool_env(), capture_output=True,
                   timeout=600)
    code = ("import mlkit.messages, sys\n"
            "assert mlkit.messages.__file__.startswith(sys.argv[1]), mlkit.messages.__file__\n"
            "print(mlkit.messages.shown('wrong shape'))")
    result = subprocess.run([sys.executable, "-c", code, str(target)], cwd=tmp_path,
                            env={**tool_env(), "PYTHONPATH": str(target), "MLKIT_LANG": "ko"},
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "모양이 틀렸습니다", result.stderr
