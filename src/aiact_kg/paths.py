"""Where the data folders are: the one module that knows.

In a checkout the folders sit at the top of the repository (``ontology/``, ``shapes/``,
``queries/``, ``web/``, ``corpus/``, ``examples/``, ``vocabularies/``). A normal (non-editable) install carries
them inside the package under ``aiact_kg/_data/``. Everything else asks this module.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def _data_root() -> Path:
    if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "corpus").is_dir():
        return _CHECKOUT
    return _PACKAGE / "_data"


DATA = _data_root()
ONTOLOGY = DATA / "ontology"
SHAPES = DATA / "shapes"
QUERIES = DATA / "queries"
WEB = DATA / "web"
CORPUS = DATA / "corpus" / "eu-ai-act-2024-1689"
EXAMPLES = DATA / "examples"
VOCABULARIES = DATA / "vocabularies"


def cache_dir() -> Path:
    """The build cache: ``$AIACT_KG_CACHE``, else ``.cache/`` in a checkout, else the user cache."""
    configured = os.environ.get("AIACT_KG_CACHE")
    if configured:
        return Path(configured)
    if DATA == _CHECKOUT:
        return _CHECKOUT / ".cache"
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "aiact-kg"
