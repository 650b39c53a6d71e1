"""Next edits: after the user changed one place, the edits that must or may follow elsewhere.

    report = await engine.next_edits(NextEditsRequest(path, text=new, previous=old))

Three sources, in this order, each edit checked before it is shown:

1. **the ripple** (:mod:`context.ripple`, no model needed): a definition renamed, a parameter
   added, removed or renamed, a return or attribute type changed → every reference, call or use
   to update; an added argument is a hole filled from the bindings in scope of its type (the
   static filler), or by the model when one is configured (checked like every filling). When
   the newest edit changed no definition (the user is updating a call site by hand), the
   ripple of the newest earlier step of the history that did, and was not undone, stands in:
   the references still waiting for it;
2. **repeated edits** (:mod:`context.edit_shapes`, no model needed): the same edit made at two
   places of the edit history → the other places that match (when none match as made, an
   identifier renamed alike at both, wherever it stands);
3. **a prediction** (a model configured): the CursorCore conversation without an instruction —
   the recent edit history and the current code — yields the next edit
   (:mod:`completion.next_edits_model`).

Then all the edits are verified together (:func:`context.ripple_check.verify_ripple`): an edit
the checker finds a new error on carries it in ``problems``; an added argument whose filling
brought an error gets the next candidate. ``previous`` defaults to the text before the newest
step of the file's edit history; an edit that was undone (the text is ``previous`` again)
proposes nothing.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from completion.history import EditStep
from completion.static_filler import placeholder_for, static_candidates
from context.api import Analyzer
from context.argument_holes import argument_bindings
from context.definition_changes import definition_changes
from context.edit_shapes import orphaned, places, repeated, unbound_uses
from context.occurrences import INDEXES
from context.privacy import privacy_filter
from context.ripple import MAX_EDITS, find_ripple
from context.ripple_check import verify_ripple
from context.ripple_model import (
    Ripple,
    RippleEdit,
    RippleHole,
    SourceText,
    content_stamp,
    make_edit,
)

if TYPE_CHECKING:
    from completion.api import Engine

log = logging.getLogger(__name__)
SHAPE_STEPS = 8  # the newest history steps searched for a repeated edit
ALTERNATIVES = 3  # static fillings tried per added argument
PLAIN_VALUE = re.compile(r"^[A-Za-z_][\w.]*$")


@dataclass(frozen=True)
class NextEditsRequest:
    """``path`` now reads ``text`` (None: the file on disk); ``previous`` is its text before the
    edit (None: from the edit history). ``line``/``column`` (0-based code points): the cursor,
    where a model's prediction starts looking."""

    path: str
    text: str | None = None
    previous: str | None = None
    line: int | None = None
    column: int | None = None
    max_edits: int = MAX_EDITS
    buffers: Mapping[str, str] = field(default_factory=dict)  # other unsaved files: path -> text


@dataclass(frozen=True)
class NextEditsReport:
    path: str
    changes: tuple[str, ...]  # what the edit did to definitions ("renamed scale → resize")
    edits: tuple[RippleEdit, ...]
    holes: tuple[RippleHole, ...]  # places to fix by hand: dynamic uses, uses that no longer type-check
    notes: tuple[str, ...]
    more: int  # edits left out by the cap
    backend: str
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "changes": list(self.changes),
            "edits": [edit_json(e) for e in self.edits],
            "holes": [dataclasses.asdict(h) for h in self.holes],
            "notes": list(self.notes),
            "more": self.more,
            "backend": self.backend,
            "elapsed_ms": round(self.timings.get("total_ms", 0.0), 1),
        }


def edit_json(edit: RippleEdit) -> dict[str, Any]:
    """An edit as the front ends write it: LSP-style range (UTF-16 columns)."""
    return {
        "path": edit.path,
        "range": edit.span.lsp(),
        "new_text": edit.new_text,
        "reason": edit.reason,
        "kind": edit.kind,
        "stamp": edit.stamp,
        "verified": edit.verified,
        "hole": edit.hole is not None and not edit.filled,
        "problems": [d.to_json() for d in edit.problems],
    }


def previous_text(engine: Engine, path: Path, text: str) -> str | None:
    """The file's text before the newest step of its edit history; None when there is none,
    or when ``text`` is a text the history went through (an edit undone: nothing follows)."""
    steps = [s for s in engine.history.steps if s.path == str(path)]
    if not steps or any(s.old_text == text for s in steps):
        return None
    return steps[-1].old_text


async def propose_next_edits(engine: Engine, request: NextEditsRequest) -> NextEditsReport:
    started = time.perf_counter()
    backend = await engine.resolve_backend()
    analyzer = engine.analyzer
    path = _resolved(engine.root, request.path)
    text = request.text if request.text is not None else await engine.run_analysis(analyzer.read_whole, path)
    previous = request.previous if request.previous is not None else previous_text(engine, path, text)
    buffers = {_resolved(engine.root, p): t for p, t in request.buffers.items()}
    ripple = Ripple(())
    if previous is not None and previous != text:
        ripple = await engine.run_analysis(find_ripple, analyzer, path, previous, text,
                                           buffers=buffers, max_edits=request.max_edits)
    from_history = request.previous is None and not (previous is None and _went_through(engine, path, text))
    if not ripple.changes and from_history:  # the ripple of an earlier edit, where it still waits
        earlier: Ripple | None = await engine.run_analysis(earlier_ripple, analyzer, engine.history.steps[-SHAPE_STEPS:],
                                                           path, text, buffers, request.max_edits)
        ripple = earlier or ripple
    timings = {"ripple_ms": _ms(started)}
    after = {**buffers, path: text}
    ripple, alternatives = await engine.run_analysis(fill_statically, analyzer, ripple, after)
    model = backend != "static" and not privacy_filter(engine.root, engine.settings.exclude_globs).is_private(path)
    if model and any(e.hole for e in ripple.edits):
        from completion.next_edits_model import fill_with_model

        ripple = await fill_with_model(engine, ripple, after, backend)
    steps = [(Path(s.path), s.old_text, s.new_text) for s in engine.history.steps[-SHAPE_STEPS:]]
    ripple = await engine.run_analysis(with_repeats, ripple, steps, path, text)
    if model:
        from completion.next_edits_model import predict

        ripple = await predict(engine, ripple, path, text, _cursor(request, previous, text))
    timings["fill_ms"] = _ms(started) - timings["ripple_ms"]
    ripple = dataclasses.replace(ripple, edits=tuple(first_of_overlapping(ripple.edits)))
    before = previous if previous is not None else text
    checked = await engine.run_analysis(verify_ripple, analyzer, path, before, text, ripple, buffers)
    checked = await _retry_fillings(engine, ripple, checked, alternatives, path, before, text, buffers)
    timings["total_ms"] = _ms(started)
    log.info("next edits of %s: %d edits (%d verified), %d holes in %.0f ms", path.name, len(checked.edits),
             sum(e.verified for e in checked.edits), len(checked.holes), timings["total_ms"])
    return NextEditsReport(str(path), checked.changes, checked.edits, checked.holes, checked.notes,
                           checked.more, backend, timings)


def _went_through(engine: Engine, path: Path, text: str) -> bool:
    """Whether the history went through ``text`` of ``path`` (an edit undone)."""
    return any(s.path == str(path) and s.old_text == text for s in engine.history.steps)


def earlier_ripple(analyzer: Analyzer, steps: tuple[EditStep, ...], path: Path, text: str,
                   buffers: Mapping[Path, str], max_edits: int = MAX_EDITS) -> Ripple | None:
    """The ripple of the newest earlier step of the history that changed a definition, still in
    place (its file does not read as before it): the references the user has not updated yet,
    found with the file as it was before that step and the others as they are now. ``path`` now
    reads ``text``; ``buffers``: other unsaved files."""
    later: set[tuple[str, str]] = set()  # (path, text) the file had after a later step
    for step in reversed(steps):
        file = Path(step.path)
        reverted = (step.path, step.old_text) in later
        later.add((step.path, step.new_text))
        current = text if file == path else buffers.get(file, INDEXES.text_of(file))
        if current is None or current == step.old_text or reverted:
            continue
        old_tree = INDEXES.index(file, step.old_text).tree
        if not definition_changes(step.old_text, step.new_text, old_tree, INDEXES.index(file, step.new_text).tree):
            continue
        others = {p: t for p, t in {**buffers, path: text}.items() if p != file}
        ripple = find_ripple(analyzer, file, step.old_text, current, buffers=others, max_edits=max_edits)
        if not ripple.edits and not ripple.holes:
            return None
        name = analyzer.workspace.module_name(file) if file != path else file.name
        note = f"from your earlier edit of {name}: {', '.join(ripple.changes)}"
        here = [e for e in ripple.edits if e.path == str(path)]  # the file in front of the user first
        edits = (*here, *(e for e in ripple.edits if e.path != str(path)))
        return dataclasses.replace(ripple, edits=edits, notes=(note, *ripple.notes))
    return None


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _resolved(root: Path, path: str) -> Path:
    p = Path(path)
    return (p if p.is_absolute() else root / p).resolve()


def _cursor(request: NextEditsRequest, previous: str | None, text: str) -> tuple[int, int]:
    if request.line is not None:
        return request.line, request.column or 0
    if previous is None:
        return 0, 0
    from context.positions import common_head, position_at

    return position_at(text, common_head(previous, text))


# -- added arguments, filled from the bindings in scope ---------------------------------------------
def fill_statically(analyzer: Analyzer, ripple: Ripple, buffers: Mapping[Path, str]) -> tuple[Ripple, dict[int, list[str]]]:
    """Each added argument filled with the best binding in scope of its type (or named like the
    parameter); the next candidates by edit index, for when the checker rejects the first."""
    edits = list(ripple.edits)
    alternatives: dict[int, list[str]] = {}
    for i, edit in enumerate(edits):
        text = ripple.texts.get(edit.path)
        if edit.hole is None or edit.argument is None or text is None:
            continue
        hole = argument_bindings(analyzer, edit, text, buffers)
        literal = placeholder_for(hole.expected_type)
        found = [c.text for c in static_candidates(hole) if PLAIN_VALUE.match(c.text) and c.text != literal]
        name = hole.call.active_name if hole.call else None
        if not found and name:
            found = [b.name for b in hole.typing_context if b.name == name and b.kind not in ("import", "global")]
        if found:
            typed = f"of type {hole.expected_type} in scope" if hole.expected_type else "named like the parameter"
            edits[i] = edit.fill(found[0], f"{edit.reason}: {found[0]} ({typed})")
            alternatives[i] = found[1:ALTERNATIVES]
    return dataclasses.replace(ripple, edits=tuple(edits)), alternatives


async def _retry_fillings(engine: Engine, unverified: Ripple, checked: Ripple, alternatives: dict[int, list[str]],
                          path: Path, before: str, text: str, buffers: Mapping[Path, str]) -> Ripple:
    """Added arguments the checker rejected get their next candidate, while there is one."""
    for _ in range(ALTERNATIVES - 1):
        rejected = [i for i, e in enumerate(checked.edits) if e.hole and e.problems and alternatives.get(i)]
        if not rejected:
            break
        edits = list(unverified.edits)
        for i in rejected:
            filling = alternatives[i].pop(0)
            edits[i] = edits[i].fill(filling, f"{edits[i].reason.split(': ', 1)[0]}: {filling}")
        unverified = dataclasses.replace(unverified, edits=tuple(edits))
        checked = await engine.run_analysis(verify_ripple, engine.analyzer, path, before, text, unverified, buffers)
    return checked


# -- repeated edits ----------------------------------------------------------------------------------
def with_repeats(ripple: Ripple, steps: list[tuple[Path, str, str]], path: Path, text: str) -> Ripple:
    """The ripple and the places a repeated edit of the history (``steps``: path, old text,
    new text, oldest first) applies next."""
    for loose in (False, True):  # the shape as made, then an identifier renamed wherever it stands
        found = repeated(steps, loose)
        if found is None:
            continue
        shape, files = found
        edits = list(ripple.edits)
        texts = dict(ripple.texts)
        taken = {(e.path, e.start) for e in edits}
        matched = False
        for file in files:
            current = text if file == path else INDEXES.text_of(file)
            if current is None:
                continue
            source, stamp = SourceText(current), content_stamp(current)
            for change in places(shape, file, current):
                matched = True
                if (str(file), change.start) in taken:
                    continue
                edits.append(make_edit(source, str(file), change.start, change.end, change.new_text,
                                       f"repeats your edit {shape.describe()}", "repeat", stamp=stamp))
                texts.setdefault(str(file), current)
        if matched:  # the places of the shape as made (maybe proposed already): no looser guess
            return dataclasses.replace(ripple, edits=tuple(edits), texts=texts)
    return _orphaned_uses(ripple, steps, path, text)


def _orphaned_uses(ripple: Ripple, steps: list[tuple[Path, str, str]], path: Path, text: str) -> Ripple:
    """The newest step replaced a name its module no longer binds: the other uses of that name."""
    if not steps:
        return ripple
    file, old, new = steps[-1]
    shape = orphaned(file, old, new)
    current = text if file == path else INDEXES.text_of(file)
    if shape is None or current is None:
        return ripple
    taken = {(e.path, e.start) for e in ripple.edits}
    source, stamp = SourceText(current), content_stamp(current)
    reason = f"'{shape.before}' is no longer defined: {shape.before} → {shape.after}, as in your edit"
    added = [make_edit(source, str(file), c.start, c.end, c.new_text, reason, "repeat", stamp=stamp)
             for c in unbound_uses(shape, file, current) if (str(file), c.start) not in taken]
    if not added:
        return ripple
    return dataclasses.replace(ripple, edits=(*ripple.edits, *added), texts={str(file): current, **ripple.texts})


def first_of_overlapping(edits: tuple[RippleEdit, ...]) -> list[RippleEdit]:
    """The edits without those overlapping an earlier one of the same file (earlier: surer)."""
    kept: list[RippleEdit] = []
    for edit in edits:
        if any(k.path == edit.path and k.start < edit.end and edit.start < k.end for k in kept):
            continue
        if any(k.path == edit.path and k.start == edit.start == k.end == edit.end and k.new_text == edit.new_text
               for k in kept):
            continue
        kept.append(edit)
    return kept
