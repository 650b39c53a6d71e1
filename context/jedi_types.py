"""Types the index cannot follow, asked of jedi's inference — cached, and never waited for long.

The index (:mod:`context.infer`) answers in a few milliseconds from annotations; jedi follows
what it does not (type variables of generic functions, unannotated returns through several
modules, decorators) but may take seconds on a cold project. So jedi runs in a process of its
own (:mod:`context.jedi_worker`, started on the first question, at a lower priority): a request
waits at most ``cap_s`` for its answer and otherwise goes on with what the index knows; the
answer, when it comes, is kept for the next request at the same place (the same receiver text in
the same function of the same file). A worker that dies is started again, up to ``MAX_STARTS``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import queue
import subprocess
import sys
import threading
from concurrent.futures import Future, wait
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

CAP_S = 0.05  # how long a request waits for jedi
MAX_CACHED = 2048
MAX_STARTS = 3
PACKAGES = Path(__file__).resolve().parents[1]  # the folder holding the ``context`` package


@dataclass(frozen=True)
class JediType:
    """What jedi says an expression is: an instance of, or the class object ``full_name``."""

    full_name: str
    is_class: bool = False


@dataclass(frozen=True)
class JediAnswer:
    types: tuple[JediType, ...] | None  # None: no answer within the cap (or jedi failed)
    note: str = ""  # why there is no answer


Key = tuple[str, ...]


class JediTypes:
    """jedi's inference for one workspace, in a worker process, with a time cap per request."""

    def __init__(self, root: Path, cap_s: float = CAP_S) -> None:
        self.root = root
        self.cap_s = cap_s
        self._lock = threading.Lock()
        self._answers: dict[Key, tuple[JediType, ...]] = {}
        self._pending: dict[Key, Future[tuple[JediType, ...]]] = {}
        self._waiting: dict[int, Future[tuple[JediType, ...]]] = {}  # by request id
        self._ids = itertools.count(1)
        self._process: subprocess.Popen[str] | None = None
        self._outbox: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self.starts = 0
        self.asked = self.late = self.failed = 0

    def types_at(self, key: Key, path: str, text: str, line: int, column: int,
                 cap_s: float | None = None) -> JediAnswer:
        """The types of the name ending at (0-based ``line``, code-point ``column``) of ``text``.
        ``key`` names the place across edits (file, function, expression): a late answer is
        found there by the next request."""
        cap = self.cap_s if cap_s is None else cap_s
        with self._lock:
            if key in self._answers:
                return JediAnswer(self._answers[key])
            future = self._pending.get(key)
        if future is None:
            future = self._ask(key, path, text, line, column)
            if future is None:
                return JediAnswer(None, f"jedi could not be started ({self.starts} tries)")
        try:
            return JediAnswer(future.result(timeout=cap))
        except FutureTimeout:
            self.late += 1
            log.debug("jedi: no answer for %s within %.0f ms", key, cap * 1000)
            return JediAnswer(None, f"jedi did not answer within {round(cap * 1000)} ms")
        except Exception as error:
            self.failed += 1
            log.debug("jedi failed on %s: %s", key, error)
            return JediAnswer(None, f"jedi failed: {error}")

    def settle(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for the questions asked so far; whether all are answered."""
        with self._lock:
            pending = list(self._pending.values())
        return not wait(pending, timeout=timeout_s).not_done

    def close(self) -> None:
        """End the worker (it ends by itself, too, when the engine's process does)."""
        self._outbox.put(None)

    def _ask(self, key: Key, path: str, text: str, line: int, column: int) -> Future[tuple[JediType, ...]] | None:
        if not self._running():
            return None
        self.asked += 1
        ident = next(self._ids)
        future: Future[tuple[JediType, ...]] = Future()
        with self._lock:
            self._pending[key] = future
            self._waiting[ident] = future
        future.add_done_callback(lambda done: self._keep(key, done))
        request = {"id": ident, "root": str(self.root), "path": path, "text": text, "line": line,
                   "column": column}
        self._outbox.put(json.dumps(request))
        return future

    def _running(self) -> bool:
        if self._process is not None and self._process.poll() is None:
            return True
        if self.starts >= MAX_STARTS:
            return False
        self.starts += 1
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(PACKAGES), *filter(None, [os.environ.get("PYTHONPATH")])])}
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "context.jedi_worker"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
                env=environment, cwd=str(PACKAGES),
            )
        except OSError as error:
            log.warning("jedi's worker could not be started: %s", error)
            return False
        assert process.stdin is not None and process.stdout is not None
        self._process = process
        self._outbox = queue.SimpleQueue()
        threading.Thread(target=self._write, args=(process.stdin, self._outbox), daemon=True,
                         name="holepilot-jedi-writer").start()
        threading.Thread(target=self._read, args=(process,), daemon=True,
                         name="holepilot-jedi-reader").start()
        return True

    def _write(self, stream: IO[str], outbox: queue.SimpleQueue[str | None]) -> None:
        """Feed the worker (in a thread of its own: a busy worker must never block a request)."""
        try:
            while (line := outbox.get()) is not None:
                stream.write(line + "\n")
                stream.flush()
        except (OSError, ValueError):
            pass
        finally:
            with contextlib.suppress(OSError):
                stream.close()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            try:
                reply = json.loads(line)
                with self._lock:
                    future = self._waiting.pop(int(reply["id"]), None)
            except (ValueError, KeyError, TypeError):
                continue
            if future is None:
                continue
            if "error" in reply:
                future.set_exception(RuntimeError(str(reply["error"])))
            else:
                future.set_result(tuple(JediType(str(name), bool(is_class)) for name, is_class in reply["types"]))
        with self._lock:  # the worker ended: what it was asked will not be answered
            left, self._waiting = list(self._waiting.values()), {}
        for future in left:
            if not future.done():
                future.set_exception(RuntimeError(f"jedi's worker ended (exit {process.wait()})"))

    def _keep(self, key: Key, future: Future[tuple[JediType, ...]]) -> None:
        with self._lock:
            self._pending.pop(key, None)
            if future.cancelled():
                return
            if len(self._answers) >= MAX_CACHED:
                self._answers.pop(next(iter(self._answers)))
            # a failure is kept as "nothing known": the same question is not asked again
            self._answers[key] = () if future.exception() is not None else future.result()


__all__ = ["CAP_S", "JediAnswer", "JediType", "JediTypes"]
