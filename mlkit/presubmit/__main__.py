"""``python -m mlkit.presubmit notebook.ipynb``: the same as ``mlkit-check``."""

import sys

from mlkit.presubmit import main

sys.exit(main())
