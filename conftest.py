"""Load this repository's `platform` package for pytest.

pytest imports the standard-library `platform` before it reads this file, so `platform.sweep`
would not resolve.  Swap in the repository's package, which re-exports the standard module whole.
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if not hasattr(sys.modules.get("platform"), "__path__"):
    sys.modules.pop("platform", None)
    import platform  # noqa: F401  (the repository's package now)
