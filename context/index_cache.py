"""The workspace index on disk: module summaries keyed by file content, so that a restart
reads them back instead of parsing every file again.

One file per workspace under the user cache directory (``HOLEPILOT_CACHE_DIR`` overrides it).
Only entries used in a session are written back, so the cache does not grow without bound.
A damaged or incompatible cache file is ignored (and replaced on the next save).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path

import platformdirs

from context.summary import ModuleSummary

log = logging.getLogger(__name__)
FORMAT = 3  # bump when the summary dataclasses change shape or the credential rules change
# (a stored summary stands for "this text passed the credential check")


def cache_dir() -> Path:
    return Path(os.environ.get("HOLEPILOT_CACHE_DIR") or platformdirs.user_cache_dir("holepilot")) / "index"


def content_key(path: Path, module: str, text: str) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    for part in (str(path), module, text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


class DiskIndex:
    """Summaries by content key, loaded lazily, saved on request."""

    def __init__(self, root: Path, directory: Path | None = None) -> None:
        name = hashlib.sha1(str(root).encode(), usedforsecurity=False).hexdigest()[:16]
        self.file = (directory or cache_dir()) / f"{name}-v{FORMAT}.pickle"
        self._stored: dict[str, ModuleSummary] | None = None
        self._used: dict[str, ModuleSummary] = {}
        self.hits = 0
        self.misses = 0

    def _load(self) -> dict[str, ModuleSummary]:
        if self._stored is None:
            self._stored = {}
            try:
                with self.file.open("rb") as handle:
                    data = pickle.load(handle)
                if isinstance(data, dict):
                    self._stored = data
            except FileNotFoundError:
                pass
            except Exception as error:  # a damaged cache is only a slower start
                log.info("index cache %s unreadable (%s); starting afresh", self.file, error)
        return self._stored

    def get(self, key: str) -> ModuleSummary | None:
        found = self._used.get(key) or self._load().get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self._used[key] = found
        return found

    def put(self, key: str, summary: ModuleSummary) -> None:
        self._used[key] = summary

    def save(self) -> None:
        """Write the entries used in this session (atomically)."""
        if not self._used:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=self.file.parent, delete=False) as handle:
                pickle.dump(self._used, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(handle.name, self.file)
            log.info("index cache saved: %d summaries (%d read back, %d parsed)", len(self._used),
                     self.hits, self.misses)
        except OSError as error:
            log.warning("cannot save the index cache to %s: %s", self.file, error)
