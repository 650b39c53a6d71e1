"""The facade of the analysis layer: what a type checker knows at a hole.

    analyzer = Analyzer(root)
    hole = analyzer.hole_context(path, line, column, text=None)   # 0-based, code points

Nothing from inside (ast nodes, summaries, symbols) crosses this facade: only the frozen
dataclasses of :mod:`context.model`.
"""

from __future__ import annotations

import ast
import gc
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from context.calls import call_info
from context.errors import PositionError
from context.expected_type import ExpectedType
from context.gather import cross_file_definitions, names_used, receiver_members, relevant_types
from context.headers import relevant_headers
from context.hole import HOLE, HoleSite, enclosing_chain, locate_hole
from context.infer import Inferred, Scope
from context.jedi_types import CAP_S, JediTypes
from context.members import (
    FIRST_LIMITS,
    LIMITS,
    RECEIVER_LIMITS,
    MemberContext,
    Receiver,
    fresh_locals,
    receiver_class_of,
    receivers_near,
    shown_class,
)
from context.model import Binding, CallInfo, Definition, Diagnostic, HoleContext, Location
from context.positions import offset_at
from context.resolve import Resolver, Symbol
from context.summary import ModuleSummary
from context.types import TypeExpr, display, without_none
from context.workspace import Workspace, read_source

log = logging.getLogger(__name__)

MAX_BINDINGS = 60
WINDOW_BEFORE = 30
WINDOW_AFTER = 8


MEMBERS_BEFORE = 20  # lines above the hole whose receivers' classes have their members shown
MEMBERS_AFTER = 5
MAX_PENDING_IMPORTS = 15
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _lines_around(text: str, line: int, before: int, after: int) -> str:
    lines = text.split("\n")
    return "\n".join(lines[max(0, line - before) : line + after + 1])


def unused_imports(module: ModuleSummary, text: str) -> list[str]:
    """Imported names the buffer does not use yet: what the user is most likely about to use."""
    out: list[str] = []
    words = Counter(IDENTIFIER.findall(text))
    for imp in module.imports.values():
        if imp.module == "__future__" or imp.local.startswith("_"):
            continue
        if words[imp.local] <= 1:
            out.append(imp.local)
            if len(out) >= MAX_PENDING_IMPORTS:
                break
    return out


WHOLE_COLLECTION_AFTER = 500  # requests before the first whole collection (then twice as many)
_settled = [0, WHOLE_COLLECTION_AFTER]  # requests so far; the next whole collection


def settle_heap() -> None:
    """After a request: its garbage collected, then what outlives it (the caches of trees and
    summaries, which only grow from request to request) kept out of the cyclic collector's
    sight. The collector otherwise walks every cached syntax tree each time the heap has grown by
    a quarter: a pause of hundreds of milliseconds in whichever request pays for it. The
    collection here walks only what this request allocated and kept; kept objects are still
    freed when no longer referenced. A cycle among them that became garbage later is found by a
    whole collection at the 500th request, the 1000th, the 2000th... (a few in a session; neither
    counting the frozen objects nor measuring the heap is cheap enough to decide it)."""
    _settled[0] += 1
    if _settled[0] >= _settled[1]:
        _settled[1] *= 2
        gc.unfreeze()
    gc.collect()
    gc.freeze()


class Analyzer:
    """One workspace's analysis. Not thread-safe: use it from one thread."""

    def __init__(
        self,
        root: Path | str,
        python: str | None = None,
        *,
        max_files: int = 5000,
        max_file_bytes: int = 4_000_000,
        private_globs: Sequence[str] = (),
        jedi_cap_s: float | None = CAP_S,
    ) -> None:
        self.workspace = Workspace(
            Path(root), python, max_files=max_files, max_file_bytes=max_file_bytes,
            private_globs=private_globs,
        )
        self.resolver = Resolver(self.workspace)
        # receivers the index cannot follow are asked of jedi, waiting at most ``jedi_cap_s``
        self.jedi = JediTypes(Path(root), jedi_cap_s) if jedi_cap_s is not None else None
        gc.freeze()  # the modules loaded so far live as long as the process: not walked again

    def read(self, path: Path | str) -> str:
        """A file's text, cut at the size limit (for indexing)."""
        return read_source(Path(path), self.workspace.max_file_bytes)

    def read_whole(self, path: Path | str) -> str:
        """A file's whole text (for the file that holds the hole: positions must stay valid)."""
        return read_source(Path(path))

    def note_file(self, path: Path | str) -> None:
        """A file the editor works on: if it is new to the workspace, it joins the index."""
        self.workspace.note_file(Path(path))

    def diagnose(self, path: Path | str, text: str | None = None) -> list[Diagnostic]:
        """Problems in a module: syntax errors, unresolved names, unknown attributes, call arity
        and keywords, values that cannot match their declared type."""
        from context.diagnose import diagnose

        path = Path(path).resolve()
        return diagnose(
            self.workspace, self.resolver, path, self.read(path) if text is None else text
        )

    def hole_context(
        self, path: Path | str, line: int, column: int, text: str | None = None
    ) -> HoleContext:
        started = time.perf_counter()
        path = Path(path).resolve()
        if text is None:
            text = self.read(path)
        self.resolver.begin_request()
        offset = offset_at(text, line, column)
        site = locate_hole(text, line, column, offset)
        module = self.workspace.summary_for_text(path, site.text, site.tree)
        self.workspace.set_overlay(module)
        try:
            hole = self._analyse(path, text, site, module)
        finally:
            self.workspace.set_overlay(None, module.module)
            settle_heap()
        log.debug(
            "hole context %s:%d:%d in %.1f ms",
            path,
            line + 1,
            column + 1,
            (time.perf_counter() - started) * 1000,
        )
        return hole

    def _analyse(self, path: Path, text: str, site: HoleSite, module: ModuleSummary) -> HoleContext:
        scope = Scope(self.resolver, module, enclosing_chain(site), site.line, site.column)
        call, param_type = self._call(scope, site)
        node: ast.AST = site.node
        expectation = ExpectedType(
            site, scope, (param_type, call.active_name if call else None)
        ).at(site.node)
        expected = expectation.type
        receiver_text, receiver_type, members = None, None, []
        receiver_class: tuple[Symbol, TypeExpr] | None = None
        jedi_notes: tuple[str, ...] = ()
        if isinstance(node, ast.Attribute):
            receiver_text = ast.unparse(node.value)
            inferred = scope.expr(node.value)
            if inferred.symbol is None and receiver_class_of(scope, inferred) is None:
                # unknown to the index, or a type it cannot follow to a class (a type variable)
                inferred, jedi_notes = self._jedi_receiver(scope, site, node.value, receiver_text, inferred)
            members = receiver_members(scope, inferred)
            receiver_class = receiver_class_of(scope, inferred)
            receiver_type = display(inferred.type) or (
                inferred.symbol.qualname if inferred.symbol else None
            ) or (display(receiver_class[1]) if receiver_class is not None else None)
        bindings, binding_types = self._bindings(scope)
        members_nearby = self._members_nearby(scope, site, receiver_class, binding_types, expected)
        seeds = [expected] if expected is not None else []
        if isinstance(node, ast.Attribute) and receiver_type:
            inferred_type = scope.expr(node.value).type
            if inferred_type is not None:
                seeds.append(inferred_type)
        shown = frozenset(d.name for d in members_nearby)
        types = relevant_types(self.resolver, scope, seeds, binding_types, shown)
        searched = expected is not None and without_none(expected).name not in ("Any", "object")
        headers = (
            relevant_headers(scope, expected, self.workspace.all_summaries(skip=path))
            if expected is not None and searched
            else []
        )
        left_out = self.workspace.left_out if searched else 0
        notes = (
            (f"the workspace is being indexed: {left_out} files were not searched for headers yet",)
            if left_out
            else ()
        ) + jedi_notes
        window = names_used(site.tree, max(0, site.line - WINDOW_BEFORE), site.line + WINDOW_AFTER)
        pending = unused_imports(module, site.text)
        imported = [i.local for i in module.imports.values() if i.module != "__future__"]
        listed = frozenset(d.name for d in (*types, *members_nearby))
        cross = cross_file_definitions(scope, [*pending, *window, *imported], str(path), site.text, listed)
        location = Location(str(path), expectation.line) if expectation.line is not None else None
        return HoleContext(
            path=str(path),
            line=site.line,
            column=site.column,
            hole_kind=site.kind,
            prefix=text[: site.replace_start],
            suffix=text[site.replace_end :],
            expected_type=display(expected),
            expected_type_source=expectation.source if expected else None,
            expected_type_location=location,
            typing_context=tuple(bindings),
            relevant_types=tuple(types),
            relevant_headers=tuple(headers),
            receiver=receiver_text,
            receiver_type=receiver_type,
            receiver_members=tuple(members),
            nearby_members=tuple(members_nearby),
            call=call,
            cross_file=tuple(cross),
            notes=notes,
        )

    def _jedi_receiver(self, scope: Scope, site: HoleSite, receiver: ast.expr, text: str,
                       known: Inferred) -> tuple[Inferred, tuple[str, ...]]:
        """The type of an attribute hole's receiver that the index cannot follow, from jedi
        (a dotted name only), within the time cap; else what the index knows (``known``), with a
        note saying why."""
        if self.jedi is None or not isinstance(receiver, ast.Name | ast.Attribute):
            return known, ()
        line_text = site.text.split("\n")[site.line]
        end = line_text.rfind("." + HOLE, 0, site.column + len(HOLE) + 1)
        if end <= 0:
            return known, ()
        found, note = self._jedi_type(scope, site, text, (site.line, end), None)
        return found or known, ((f"the type of `{text}` was asked of jedi: {note}",) if note else ())

    def _jedi_type(self, scope: Scope, site: HoleSite, text: str, end: tuple[int, int],
                   cap_s: float | None) -> tuple[Inferred | None, str]:
        """What jedi says ``text``, ending at ``end`` (0-based line, code points), is: a class or
        an instance of one the index knows; None and why not when there is no answer in time."""
        assert self.jedi is not None
        function = scope.function.name if scope.function is not None else ""
        owner = scope.class_symbol.qualname if scope.class_symbol is not None else ""
        key = (scope.module.path, owner, function, text)
        answer = self.jedi.types_at(key, scope.module.path, site.text, end[0], end[1], cap_s)
        if answer.types is None:
            return None, answer.note
        for found in answer.types:
            symbol = self.resolver.class_symbol(found.full_name)
            if symbol is not None:
                return (Inferred(symbol=symbol) if found.is_class else Inferred(type=TypeExpr(symbol.qualname))), ""
        return None, ""

    def _ask_jedi(self, scope: Scope, site: HoleSite) -> Callable[[Receiver], Inferred | None] | None:
        """For the receivers used near a hole: jedi's answers kept from before, not waited for."""
        if self.jedi is None:
            return None
        lines = site.text.split("\n")

        def ask(receiver: Receiver) -> Inferred | None:
            if receiver.end is None or not 0 <= receiver.end[0] < len(lines):
                return None
            line, byte_column = receiver.end
            column = len(lines[line].encode("utf-8")[:byte_column].decode("utf-8", "ignore"))
            return self._jedi_type(scope, site, receiver.text, (line, column), 0.0)[0]

        return ask

    def _members_nearby(self, scope: Scope, site: HoleSite, receiver: tuple[Symbol, TypeExpr] | None,
                        binding_types: list[TypeExpr], expected: TypeExpr | None = None) -> list[Definition]:
        """The receiver's class (of an attribute hole), then the classes used around the hole."""
        out: list[Definition] = []
        skip: set[str] = set()
        window = _lines_around(site.text, site.line, MEMBERS_BEFORE, MEMBERS_AFTER)
        context = MemberContext(scope, site.text, window, expected, self._ask_jedi(scope, site))
        roots: list[tuple[Symbol, TypeExpr, str]] = []
        if receiver is not None and shown_class(receiver[0]):
            reached = ast.unparse(site.node.value) if isinstance(site.node, ast.Attribute) else ""
            out.extend(context.blocks(receiver[0], receiver[1], reached, limits=RECEIVER_LIMITS, kind="receiver"))
            skip.add(receiver[0].qualname)
            roots.append((receiver[0], receiver[1], reached))
        receivers = fresh_locals(scope, site) + receivers_near(site.tree, site.line, MEMBERS_BEFORE, MEMBERS_AFTER)
        classes = context.classes_of(receivers, binding_types, skip, roots)
        for i, (symbol, t, reached) in enumerate(classes):
            limits = FIRST_LIMITS if i == 0 else LIMITS
            out.extend(context.blocks(symbol, t, reached, limits=limits, score=1.0 / (2 + i)))
        return out

    def _call(self, scope: Scope, site: HoleSite) -> tuple[CallInfo | None, TypeExpr | None]:
        node: ast.AST = site.node
        while True:
            parent = site.parents.get(node)
            if parent is None or isinstance(parent, ast.stmt):
                return None, None
            if isinstance(parent, ast.keyword):
                node = parent
                continue
            if isinstance(parent, ast.Call) and node is not parent.func:
                return call_info(scope, parent, node)
            if isinstance(parent, ast.Attribute) and node is parent.value is not site.node:
                return None, None
            node = parent

    def _bindings(self, scope: Scope) -> tuple[list[Binding], list[TypeExpr]]:
        out: list[Binding] = []
        types: list[TypeExpr] = []
        path = scope.module.path
        for name, b in scope.locals.items():
            if b.kind in ("import", "function", "class"):
                continue
            t = scope.binding_type(b)
            if t is not None and b.kind in ("parameter", "local", "loop", "comprehension"):
                types.append(t)
            out.append(Binding(name, display(t), b.kind, Location(path, b.line)))
        if scope.class_symbol is not None:
            for cls, module in self.resolver.mro(scope.class_symbol):
                for f in cls.fields:
                    if f.class_var:
                        continue
                    t = self.resolver.resolve_type(f.annotation, module)
                    out.append(
                        Binding(
                            f"self.{f.name}", display(t), "attribute", Location(module.path, f.line)
                        )
                    )
        out.extend(self._globals(scope, MAX_BINDINGS - len(out)))
        return out[:MAX_BINDINGS], types

    def _globals(self, scope: Scope, limit: int) -> list[Binding]:
        """Up to ``limit`` of the module's globals and imports: only the types of those shown are
        inferred (a generated module may hold tens of thousands)."""
        module = scope.module
        out: list[Binding] = []
        if limit <= 0:
            return out
        for var in module.variables.values():
            if len(out) >= limit:
                return out
            if not var.is_alias and var.name not in scope.locals:
                symbol = self.resolver.lookup(module, var.name)
                t = scope.symbol_value(symbol) if symbol is not None else None
                out.append(
                    Binding(
                        var.name,
                        display(t.type) if t else None,
                        "global",
                        Location(module.path, var.line),
                    )
                )
        for imp in module.imports.values():
            if len(out) >= limit:
                break
            if imp.module != "__future__":
                out.append(Binding(imp.local, None, "import", Location(module.path, imp.line)))
        return out


__all__ = ["Analyzer", "PositionError"]
