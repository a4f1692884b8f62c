"""The code passes ruff with the project's settings (pyproject.toml)."""

import subprocess

from tests.helpers import BIN, ROOT


def test_ruff_check_is_clean():
    """`ruff check` finds nothing in mlkit/, tests/, benchmarks/ and book/_ext/."""
    result = subprocess.run([str(BIN / "ruff"), "check", "mlkit", "tests", "benchmarks",
                             "book/_ext"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
