"""The official files: checked against their published checksums, then parsed.

Every file listed in ``SHA256SUMS`` must be present and unchanged; a missing, truncated or
altered file stops the build with a :class:`CorpusError` naming it.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from . import paths
from .provisions import Act, CorpusError

CHECKSUMS = "SHA256SUMS"
FRENCH_HTML = Path("fr/html/L_202401689FR.000101.fmx.xml.html")
ENGLISH_FORMEX = Path("en/formex")


def listed_files(folder: Path) -> dict[Path, str]:
    """The files of the corpus and their expected SHA-256, as ``SHA256SUMS`` lists them."""
    sums = folder / CHECKSUMS
    try:
        lines = sums.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CorpusError(f"{sums}: cannot be read ({exc.strerror})") from None
    listed: dict[Path, str] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            raise CorpusError(f"{sums}, line {number}: expected '<sha256>  <path>', found {line!r}")
        listed[folder / name.removeprefix("./")] = digest
    return listed


def verify(folder: Path | None = None) -> dict[Path, str]:
    """Check every listed file; return the listing. Raises CorpusError naming the first bad file."""
    folder = folder or paths.CORPUS
    listed = listed_files(folder)
    for path, expected in listed.items():
        try:
            actual = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            raise CorpusError(f"{path}: missing from the corpus (listed in {CHECKSUMS})") from None
        if actual != expected:
            raise CorpusError(
                f"{path}: checksum mismatch, the file is truncated or altered "
                f"(expected {expected[:12]}…, found {actual[:12]}…)"
            )
    return listed


def parse_english(folder: Path | None = None) -> tuple[Act, dict]:
    from . import formex

    return formex.parse((folder or paths.CORPUS) / ENGLISH_FORMEX)


def parse_french(english: Act, folder: Path | None = None) -> tuple[Act, dict]:
    """The French text, along the English tree. Raises CorpusError if the two do not align."""
    from . import eurlex

    path = (folder or paths.CORPUS) / FRENCH_HTML
    french, problems, meta = eurlex.parse(path, english, lang="fr")
    if problems:
        shown = "; ".join(problems[:5])
        raise CorpusError(f"{path}: the French text does not align with the English ({len(problems)} places: {shown})")
    return french, meta


@lru_cache(maxsize=2)
def load(folder: Path | None = None) -> tuple[Act, Act, dict]:
    """Verify and parse the corpus: (English act, French act, metadata)."""
    verify(folder)
    english, meta = parse_english(folder)
    french, french_meta = parse_french(english, folder)
    return english, french, {**meta, "title_fr": french_meta["title"]}
