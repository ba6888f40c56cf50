"""TextAttack 0.3.11 imported offline for the cross-checks: `flair` stubbed (TextAttack imports it at
package import; no recipe run here uses it), NLTK's English stopwords written from the copy in
`trainables/attacks/stopwords.py`, its cache marked as post-install-checked; and the homoglyph swap built
without the data file the wheel does not ship."""

from __future__ import annotations

import importlib
import io
import os
import sys
from pathlib import Path
from unittest import mock

from trainables.attacks.stopwords import NLTK_ENGLISH

FLAIR_STUB = {
    "__init__.py": "from . import data, models\n",
    "data.py": "class Sentence:\n    pass\n\n\nclass Tokenizer:\n    pass\n",
    "models.py": "class SequenceTagger:\n    pass\n\n\nclass TextClassifier:\n    pass\n",
}


def import_textattack(folder: Path):
    """Import TextAttack offline (see the module docstring); None when it is not installed."""
    if importlib.util.find_spec("textattack") is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    if importlib.util.find_spec("flair") is None:
        (folder / "flair").mkdir(exist_ok=True)
        for name, text in FLAIR_STUB.items():
            (folder / "flair" / name).write_text(text)
        sys.path.insert(0, str(folder))
    stop = folder / "nltk_data" / "corpora" / "stopwords"
    stop.mkdir(parents=True, exist_ok=True)
    (stop / "english").write_text("\n".join(sorted(NLTK_ENGLISH)) + "\n")
    os.environ["NLTK_DATA"] = str(folder / "nltk_data")
    cache = folder / "ta_cache"
    cache.mkdir(exist_ok=True)
    (cache / "post_install_check_3").touch()
    os.environ["TA_CACHE_DIR"] = str(cache)
    return importlib.import_module("textattack")


def homoglyph_swap(cls):
    """TextAttack's `WordSwapHomoglyphSwap`.  Its constructor reads `shared/intentional_homoglyphs.txt`,
    which the 0.3.11 wheel does not ship; only its differential-evolution search uses that file (the
    recipe's swap uses the table in the constructor), so it is built with the file read as empty."""
    real_open = open

    def no_file(path, *args, **kwargs):
        if str(path).endswith("intentional_homoglyphs.txt") and not Path(path).exists():
            return io.StringIO("")
        return real_open(path, *args, **kwargs)

    with mock.patch("builtins.open", no_file):
        return cls()
