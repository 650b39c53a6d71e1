"""The workspace index on disk: module summaries (and the checker's facts of modules) keyed by
file content, so that a restart reads them back instead of parsing every file again.

One file per workspace under the user cache directory (``HOLEPILOT_CACHE_DIR`` overrides it),
named for a fingerprint of the analysis code too: a cache written by another version of the
code is never read (it is removed on the next save). Only entries used in a session are
written back, so the cache does not grow without bound. A damaged cache file is ignored.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import platformdirs

from context.summary import ModuleSummary

log = logging.getLogger(__name__)
FORMAT = 3  # the layout of the cache file (the code fingerprint covers what the entries hold)


def cache_dir() -> Path:
    return Path(os.environ.get("HOLEPILOT_CACHE_DIR") or platformdirs.user_cache_dir("holepilot")) / "index"


@cache
def code_fingerprint() -> str:
    """Of this package's source: stored summaries and facts are what this code made of a text."""
    digest = hashlib.sha1(usedforsecurity=False)
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


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
        self.file = (directory or cache_dir()) / f"{name}-v{FORMAT}-{code_fingerprint()}.pickle"
        self._name = name
        self._stored: dict[str, Any] | None = None
        self._used: dict[str, Any] = {}
        self._unsaved = False
        self.hits = 0
        self.misses = 0

    def _load(self) -> dict[str, Any]:
        if self._stored is None:
            self._stored = {}
            collecting = gc.isenabled()
            gc.disable()  # a load makes only objects that stay: nothing for the collector to find
            try:
                with self.file.open("rb") as handle:
                    data = pickle.load(handle)
                if isinstance(data, dict):
                    self._stored = data
            except FileNotFoundError:
                pass
            except Exception as error:  # a damaged cache is only a slower start
                log.info("index cache %s unreadable (%s); starting afresh", self.file, error)
            finally:
                if collecting:
                    gc.enable()
            gc.freeze()  # nor later: what was read lives as long as the index
        return self._stored

    def _get(self, key: str) -> Any:
        found = self._used.get(key)
        if found is None:
            found = self._load().get(key)
            if found is not None:
                self._used[key] = found
        return found

    def _put(self, key: str, value: Any) -> None:
        if self._used.get(key) is not value:
            self._used[key] = value
            self._unsaved = True

    def get(self, key: str) -> ModuleSummary | None:
        found = self._get(key)
        if not isinstance(found, ModuleSummary):
            self.misses += 1
            return None
        self.hits += 1
        return found

    def put(self, key: str, summary: ModuleSummary) -> None:
        self._put(key, summary)

    def get_fragments(self, key: str) -> Any:
        """The pieces a stored summary was made of (see :func:`context.summarize.summarize_module`)."""
        return self._get("fragments:" + key)

    def put_fragments(self, key: str, records: Any) -> None:
        self._put("fragments:" + key, records)

    def get_facts(self, key: str) -> Any:
        """The checker's facts of a module (its own types: this layer does not know them)."""
        return self._get("facts:" + key)

    def put_facts(self, key: str, facts: Any) -> None:
        self._put("facts:" + key, facts)

    def save(self) -> None:
        """Write the entries used in this session (atomically), when some are new."""
        if not self._unsaved:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=self.file.parent, delete=False) as handle:
                pickle.dump(self._used, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(handle.name, self.file)
            self._unsaved = False
            log.info("index cache saved: %d entries (%d summaries read back, %d parsed)",
                     len(self._used), self.hits, self.misses)
            for other in self.file.parent.glob(f"{self._name}-*.pickle"):
                if other != self.file:  # written by another version of the code
                    other.unlink(missing_ok=True)
        except OSError as error:
            log.warning("cannot save the index cache to %s: %s", self.file, error)
