"""Run holepilot's ``context`` command from outside, as a user's tool would: batch and cold."""

from __future__ import annotations

import json
import logging
import math
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.recall_mining import Hole

log = logging.getLogger(__name__)

# The command-line entry points, preferred first.
ENTRY_MODULES = ("holepilot", "lsp_server.main", "lsp_server", "completion.cli")
# Sections of a JSON answer that list rendered definitions (each item has a ``text``).
DEFINITION_SECTIONS = (
    "relevant_types", "relevant_headers", "cross_file", "receiver_members", "nearby_members"
)
BATCH_TIMEOUT_S = 1800
COLD_TIMEOUT_S = 120


@dataclass(frozen=True)
class Answer:
    prompt: str
    prompt_tokens: int
    elapsed_ms: float
    error: str = ""
    surfaced: str = ""  # every definition the analysis found, before the budget cut


def surfaced_text(record: dict[str, object]) -> str:
    """The texts of all definitions an answer lists: what the analysis surfaced. Receiver members
    go under the ``# members of RECEIVER: TYPE`` line the prompt shows them under; the member
    blocks of the classes used nearby (``nearby_members``) carry their own class lines."""
    texts: list[str] = []
    for section in DEFINITION_SECTIONS:
        items = record.get(section)
        if not isinstance(items, list):
            continue
        item_texts = [str(item.get("text", "")) for item in items if isinstance(item, dict)]
        if section == "receiver_members" and item_texts:
            header = f"# members of {record.get('receiver')}: {record.get('receiver_type')}"
            texts.append("\n".join([header, *item_texts]))
        else:
            texts += item_texts
    return "\n\n".join(texts)


def entry_module(repo: Path, candidates: tuple[str, ...] = ENTRY_MODULES) -> str | None:
    """The first entry module whose ``context --help`` exits cleanly and offers ``--batch``."""
    for module in candidates:
        command = [sys.executable, "-m", module, "context", "--help"]
        try:
            done = subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            continue
        if done.returncode == 0 and "--batch" in done.stdout:
            return module
    return None


def request_line(hole: Hole, root: Path, budget: int) -> str:
    record = {
        "path": str(root / hole.path),
        "line": hole.line,
        "column": hole.column,
        "budget": budget,
        "text": hole.text,
    }
    return json.dumps(record)


def parse_answer(line: str) -> Answer:
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return Answer("", 0, 0.0, f"not JSON: {line[:200]}")
    if not isinstance(record, dict):
        return Answer("", 0, 0.0, f"not an object: {line[:200]}")
    if "error" in record:
        return Answer("", 0, float(record.get("elapsed_ms", 0.0)), str(record["error"]))
    return Answer(
        str(record.get("prompt", "")),
        int(record.get("prompt_tokens", 0)),
        float(record.get("elapsed_ms", 0.0)),
        surfaced=surfaced_text(record),
    )


def run_batch(
    module: str, repo: Path, root: Path, requests: list[tuple[Hole, int]], batch_file: Path
) -> list[Answer]:
    """One process answers every (hole, budget) request; answers come back in request order."""
    batch_file.parent.mkdir(parents=True, exist_ok=True)
    lines = [request_line(hole, root, budget) for hole, budget in requests]
    batch_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", module, "context", "--batch", str(batch_file)]
    command += ["--root", str(root), "--json"]
    done = subprocess.run(
        command, cwd=repo, capture_output=True, text=True, timeout=BATCH_TIMEOUT_S
    )
    answers = [parse_answer(line) for line in done.stdout.splitlines() if line.strip()]
    if len(answers) != len(requests):
        detail = done.stderr.strip().splitlines()[-5:]
        log.warning(
            "batch gave %d answers for %d requests: %s", len(answers), len(requests), detail
        )
        missing = Answer("", 0, 0.0, f"no answer (exit {done.returncode})")
        answers = (answers + [missing] * len(requests))[: len(requests)]
    return answers


def cold_first_answer_s(module: str, repo: Path, root: Path, hole: Hole) -> tuple[float, bool]:
    """Wall time of a fresh process answering one hole (file on disk), and whether it succeeded."""
    where = f"{root / hole.path}:{hole.line}:{hole.column}"
    command = [sys.executable, "-m", module, "context", where, "--root", str(root), "--json"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=COLD_TIMEOUT_S)
    elapsed = time.perf_counter() - start
    ok = done.returncode == 0 and bool(done.stdout.strip())
    if not ok:
        log.warning("cold run failed (exit %d): %s", done.returncode, done.stderr.strip()[-500:])
    return elapsed, ok


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]
