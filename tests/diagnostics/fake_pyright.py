"""Stand-ins for ``basedpyright-langserver``: tiny scripts that hang, die, crash once, answer
what cannot be read, only push diagnostics, or answer as a real server would (an error on every ``fooz`` and ``"three"``).

    command = fake_server(tmp_path, "hang")          # a script; put its folder on PATH or pass it

Every start appends a line to ``starts`` and every diagnostic pull to ``pulls`` in the script's
folder, so tests can count restarts and cache hits.
"""

from __future__ import annotations

import stat
import sys
from pathlib import Path

MODES = ("hang", "die", "crash-once", "answer", "hang-after-first", "garbage", "push")

SCRIPT = '''\
#!{python}
import json, os, sys
MODE = {mode!r}
HERE = {here!r}

def note(name):
    with open(os.path.join(HERE, name), "a") as f:
        f.write("x\\n")

def read():
    length = None
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            sys.exit(0)
        if line in (b"\\r\\n", b"\\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return json.loads(sys.stdin.buffer.read(length))

def send(message):
    body = json.dumps(message).encode()
    sys.stdout.buffer.write(b"Content-Length: %d\\r\\n\\r\\n" % len(body) + body)
    sys.stdout.buffer.flush()

note("starts")
if MODE == "die":
    sys.exit(3)
if MODE == "hang":
    sys.stdin.buffer.read()
    sys.exit(0)
def found(text):
    items = []
    for number, line in enumerate(text.split("\\n")):
        for word, code in (("fooz", "reportAttributeAccessIssue"), ('"three"', "reportAssignmentType")):
            at = line.find(word)
            if at >= 0:
                items.append({{"range": {{"start": {{"line": number, "character": at}},
                                        "end": {{"line": number, "character": at + len(word)}}}},
                              "severity": 1, "code": code, "message": "fake: " + word}})
    return items

def publish(document, text):
    if MODE == "push":
        send({{"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
              "params": {{"uri": document["uri"], "version": document["version"], "diagnostics": found(text)}}}})

texts = {{}}
pulls = 0
while True:
    message = read()
    method, ident = message.get("method"), message.get("id")
    params = message.get("params") or {{}}
    if method == "initialize" and MODE == "garbage":  # capabilities lsprotocol cannot read
        send({{"jsonrpc": "2.0", "id": ident, "result": {{"capabilities": {{"diagnosticProvider": 7}}}}}})
    elif method == "initialize":
        send({{"jsonrpc": "2.0", "id": ident, "result": {{"capabilities": {{"diagnosticProvider": {{
              "interFileDependencies": False, "workspaceDiagnostics": False}}}},
              "serverInfo": {{"name": "fakepyright", "version": "9.9"}}}}}})
    elif method == "shutdown":
        send({{"jsonrpc": "2.0", "id": ident, "result": None}})
    elif method == "exit":
        sys.exit(0)
    elif method == "textDocument/didOpen":
        if MODE == "crash-once" and not os.path.exists(os.path.join(HERE, "crashed")):
            note("crashed")
            sys.exit(1)
        texts[params["textDocument"]["uri"]] = params["textDocument"]["text"]
        publish(params["textDocument"], params["textDocument"]["text"])
    elif method == "textDocument/didChange":
        texts[params["textDocument"]["uri"]] = params["contentChanges"][-1]["text"]
        publish(params["textDocument"], params["contentChanges"][-1]["text"])
    elif method == "textDocument/diagnostic" and MODE == "push":  # an older server: no pulls
        send({{"jsonrpc": "2.0", "id": ident, "error": {{"code": -32601, "message": "Unhandled method"}}}})
    elif method == "textDocument/diagnostic":
        note("pulls")
        pulls += 1
        if MODE == "hang-after-first" and pulls > 1:
            continue
        items = found(texts.get(params["textDocument"]["uri"], ""))
        send({{"jsonrpc": "2.0", "id": ident, "result": {{"kind": "full", "items": items}}}})
    elif ident is not None:
        send({{"jsonrpc": "2.0", "id": ident, "result": None}})
'''


def fake_server(folder: Path, mode: str) -> Path:
    """An executable ``basedpyright-langserver`` in ``folder`` behaving as ``mode``."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "basedpyright-langserver"
    script.write_text(SCRIPT.format(python=sys.executable, mode=mode, here=str(folder)), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


def count(folder: Path, name: str) -> int:
    """How many times the fake noted ``name`` (``starts``, ``pulls``)."""
    path = folder / name
    return len(path.read_text().splitlines()) if path.exists() else 0
