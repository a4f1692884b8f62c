"""``python -m mlkit.presubmit notebook.ipynb``: the same as ``mlkit-check``."""

import sys

from mlkit.presubmit import main

if __name__ == "__main__":  # not when a tool (such as pytest's doctests) imports the module
    sys.exit(main())
