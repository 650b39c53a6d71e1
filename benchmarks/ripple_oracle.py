"""The ripple benchmark's oracle: the true sites of a definition, found by jedi — never by
holepilot's own finder — and jedi's own ``rename`` / ``get_references`` as the baseline.

Every occurrence of the definition's name in the package (a name, the attribute of ``x.name``,
a name of ``from m import ...``; with its string in an ``__all__``) is given to
``jedi.Script.goto(follow_imports=True)``: it is a site when jedi lands on the definition. When
jedi lands nowhere (a receiver of unknown type, a time-out) the occurrence is *undecided*: it is
left out of the scores both ways and counted. A site that is the callee of a call is a *call
site*; whether the call passes ``self``/``cls`` implicitly is read from what jedi infers of the
receiver (a class: no, unless the method is a classmethod). A string of ``__all__`` is a site
in the defining module, in a module that imports the name, and in one whose star imports bring
it (jedi's goto on the name written at the module's end). The uses of a parameter in its
function's body are the names Python's symbol table binds to its variable, with the
``nonlocal`` statements of closures that declare it.
"""

from __future__ import annotations

import ast
import logging
import symtable
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jedi

from benchmarks.recall_oracle import OracleTimeout, time_limit
from benchmarks.ripple_cases import (
    SUFFIX,
    Function,
    Offsets,
    Param,
    callee_position,
    declared_position,
)

log = logging.getLogger(__name__)
GOTO_TIMEOUT_S = 6.0
RENAME_TIMEOUT_S = 60.0
SCRIPTS_KEPT = 24


@dataclass(frozen=True, order=True)
class Site:
    relative: str
    line: int  # 0-based
    column: int  # code points


@dataclass(frozen=True)
class CallSite:
    site: Site
    bound: bool  # ``self``/``cls`` passed implicitly
    positional: int
    keywords: tuple[str | None, ...]  # None: ``**kwargs``
    starred: bool

    @property
    def spread(self) -> bool:
        return self.starred or None in self.keywords


@dataclass
class Truth:
    references: set[Site] = field(default_factory=set)
    undecided: set[Site] = field(default_factory=set)
    calls: dict[Site, CallSite] = field(default_factory=dict)
    occurrences: int = 0

    def calls_elsewhere(self, relative: str) -> int:
        return sum(1 for s in self.calls if s.relative != relative)


@dataclass(frozen=True)
class Source:
    path: Path
    relative: str
    text: str
    tree: ast.Module
    offsets: Offsets

    @classmethod
    def read(cls, path: Path, relative: str) -> Source | None:
        # as the engine reads it: line ends kept (``read_text`` would turn CRLF into LF, and the
        # engine's offsets into the file would land lines away from where they belong)
        text = path.read_bytes().decode("utf-8-sig")
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return None
        return cls(path, relative, text, tree, Offsets(text))


class JediOracle:
    """Sites of definitions of one package (``files``: relative path → source)."""

    def __init__(self, root: Path, files: dict[str, Source]) -> None:
        self.root = root
        self.files = files
        self.project = jedi.Project(root, added_sys_path=[str(root)])
        self._scripts: OrderedDict[str, Any] = OrderedDict()
        self.timeouts = 0

    def script(self, relative: str) -> Any:
        if relative in self._scripts:
            self._scripts.move_to_end(relative)
            return self._scripts[relative]
        source = self.files[relative]
        script = jedi.Script(source.text, path=source.path, project=self.project)
        self._scripts[relative] = script
        if len(self._scripts) > SCRIPTS_KEPT:
            self._scripts.popitem(last=False)
        return script

    def goto(self, relative: str, line: int, column: int) -> list[Any] | None:
        try:
            with time_limit(GOTO_TIMEOUT_S):
                return list(self.script(relative).goto(line + 1, column, follow_imports=True))
        except OracleTimeout:
            self.timeouts += 1
            return None
        except Exception as error:  # jedi's own errors on odd code
            log.debug("jedi goto failed at %s:%d:%d: %s", relative, line + 1, column, error)
            return None

    def infer_is_class(self, relative: str, line: int, column: int) -> bool:
        try:
            with time_limit(GOTO_TIMEOUT_S):
                found = list(self.script(relative).infer(line + 1, column))
        except OracleTimeout:
            self.timeouts += 1
            return False
        except Exception:
            return False
        return bool(found) and all(n.type == "class" for n in found)

    # -- sites of a definition ------------------------------------------------------------------
    def truth(self, fn: Function) -> Truth:
        truth = Truth()
        aliases: dict[str, bool] = {}
        strings: list[Site] = []
        for relative, source in self.files.items():
            if fn.name not in source.text:
                continue
            for kind, site, node in occurrences(source, fn.name):
                truth.occurrences += 1
                if kind == "string":
                    strings.append(site)
                    continue
                landed = self.goto(relative, site.line, site.column)
                if not landed:
                    truth.undecided.add(site)
                    continue
                if not any(_is(n, fn.path, fn.line, fn.column) for n in landed):
                    continue
                truth.references.add(site)
                if kind == "import":
                    aliases[relative] = True
                if isinstance(node, ast.Call):
                    truth.calls[site] = self.call_site(fn, relative, site, node)
        for site in strings:  # ``__all__`` entries: where the name is defined or imported
            if fn.owner:
                continue
            if site.relative == fn.relative or aliases.get(site.relative):
                truth.references.add(site)
                continue
            landed = self.module_name(site.relative, fn.name)  # imported by ``from m import *``?
            if landed is None:
                truth.undecided.add(site)
            elif any(_is(n, fn.path, fn.line, fn.column) for n in landed):
                truth.references.add(site)
        return truth

    def module_name(self, relative: str, name: str) -> list[Any] | None:
        """Where jedi takes ``name`` written at the end of a module (through its star imports
        too); None when it lands nowhere."""
        source = self.files[relative]
        text = source.text.rstrip("\n") + "\n" + name + "\n"
        line = text.count("\n")  # 1-based: the line just written
        try:
            with time_limit(GOTO_TIMEOUT_S):
                script = jedi.Script(text, path=source.path, project=self.project)
                return list(script.goto(line, 0, follow_imports=True)) or None
        except OracleTimeout:
            self.timeouts += 1
            return None
        except Exception as error:  # jedi's own errors on odd code
            log.debug("jedi goto failed for %s at the end of %s: %s", name, relative, error)
            return None

    def call_site(self, fn: Function, relative: str, site: Site, call: ast.Call) -> CallSite:
        bound = False
        if fn.implicit and isinstance(call.func, ast.Attribute):
            value = call.func.value
            if isinstance(value, ast.Call):
                bound = True
            elif isinstance(value, ast.Name | ast.Attribute):
                offsets = self.files[relative].offsets
                at = offsets.start(value) if isinstance(value, ast.Name) else offsets.end(value) - len(value.attr)
                line, column = offsets.position(at)
                bound = fn.is_classmethod or not self.infer_is_class(relative, line, column)
            else:
                bound = True
        keywords = tuple(k.arg for k in call.keywords)
        starred = any(isinstance(a, ast.Starred) for a in call.args)
        return CallSite(site, bound, len(call.args), keywords, starred)

    def body_uses(self, fn: Function, param: Param) -> tuple[set[Site], set[Site]]:
        """(occurrences of the parameter's variable in its function, undecided ones): the names
        Python's own symbol table (:mod:`symtable`) binds to that variable — in the function's
        scope, and in nested scopes where the name is free."""
        source = self.files[fn.relative]
        node = _function_node(source, fn)
        if node is None:
            return set(), set()
        try:
            table = _function_table(symtable.symtable(source.text, str(source.path), "exec"), fn.name, node.lineno)
        except SyntaxError:
            table = None
        if table is None:
            return set(), set()
        uses: set[Site] = set()
        for name in _variable_uses(node, table, param.name):
            if isinstance(name, ast.Nonlocal):  # ``nonlocal NAME`` in a closure: the same variable
                at = declared_position(source.offsets, name, param.name)
                if at is not None:
                    uses.add(Site(fn.relative, *at))
                continue
            uses.add(Site(fn.relative, *source.offsets.position(source.offsets.start(name))))
        return uses, set()

    # -- jedi's own answers (the baseline) -----------------------------------------------------------
    def rename(self, relative: str, line: int, column: int, new_name: str) -> tuple[dict[str, str], float]:
        """jedi's rename: the new texts of the files it changes, and its time in ms."""
        started = time.perf_counter()
        try:
            with time_limit(RENAME_TIMEOUT_S):
                refactoring = self.script(relative).rename(line + 1, column, new_name=new_name)
                changed = {
                    Path(path).resolve().relative_to(self.root).as_posix(): change.get_new_code()
                    for path, change in refactoring.get_changed_files().items()
                }
        except OracleTimeout:
            self.timeouts += 1
            changed = {}
        except Exception as error:
            log.info("jedi rename failed at %s:%d: %s", relative, line + 1, error)
            changed = {}
        self._scripts.clear()  # a rename leaves jedi's scripts of the old texts: start afresh
        return changed, (time.perf_counter() - started) * 1000

    def references(self, fn: Function) -> tuple[set[Site], float]:
        """jedi's get_references of the definition across the project, and its time in ms."""
        started = time.perf_counter()
        found: set[Site] = set()
        try:
            with time_limit(RENAME_TIMEOUT_S):
                names = self.script(fn.relative).get_references(fn.line + 1, fn.column, scope="project")
                for name in names:
                    path = Path(name.module_path).resolve() if name.module_path else None
                    if path is None or not path.is_relative_to(self.root):
                        continue
                    found.add(Site(path.relative_to(self.root).as_posix(), name.line - 1, name.column))
        except OracleTimeout:
            self.timeouts += 1
        except Exception as error:
            log.info("jedi get_references failed for %s: %s", fn.qualname, error)
        found.discard(Site(fn.relative, fn.line, fn.column))
        return found, (time.perf_counter() - started) * 1000


def _is(name: Any, path: Path, line: int, column: int) -> bool:
    module = name.module_path
    return module is not None and Path(module).resolve() == path.resolve() and (name.line - 1, name.column) == (line, column)


def _function_node(source: Source, fn: Function) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for node in ast.walk(source.tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == fn.name and node.lineno - 1 == fn.line:
            return node
    return None


def occurrences(source: Source, name: str) -> list[tuple[str, Site, ast.AST | None]]:
    """(kind, site, the call it is the callee of) of every occurrence of ``name`` that can refer
    to a definition: names, attributes, names of ``from m import``, strings of ``__all__``."""
    out: list[tuple[str, Site, ast.AST | None]] = []
    offsets = source.offsets
    relative = source.relative
    callees: dict[tuple[int, int], ast.Call] = {}
    for node in ast.walk(source.tree):
        if isinstance(node, ast.Call):
            at = callee_position(node, offsets)
            if at is not None:
                callees[at] = node
    for node in ast.walk(source.tree):
        at: tuple[int, int] | None = None
        kind = ""
        if isinstance(node, ast.Name) and node.id == name:
            at, kind = offsets.position(offsets.start(node)), "name"
        elif isinstance(node, ast.Attribute) and node.attr == name:
            at, kind = offsets.position(offsets.end(node) - len(name)), "attribute"
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == name:
                    out.append(("import", Site(relative, *offsets.position(offsets.start(alias))), None))
        elif isinstance(node, ast.Assign | ast.AugAssign) and _assigns_all(node):
            for const in ast.walk(node.value):
                if isinstance(const, ast.Constant) and const.value == name:
                    line, column = offsets.position(offsets.start(const))
                    out.append(("string", Site(relative, line, column + 1), None))
        if at is not None:
            out.append((kind, Site(relative, *at), callees.get(at)))
    return out


def _assigns_all(node: ast.Assign | ast.AugAssign) -> bool:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)


def renamed_sites(old: str, new: str, relative: str, old_name: str) -> set[Site]:
    """Where a rename changed ``old_name`` into ``old_name + SUFFIX`` between two texts (jedi's
    answer, read back as sites of the old text)."""
    import difflib

    sites: set[Site] = set()
    old_lines, new_lines = old.split("\n"), new.split("\n")
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace" or i2 - i1 != j2 - j1:
            continue
        for k in range(i2 - i1):
            before, after = old_lines[i1 + k], new_lines[j1 + k]
            column, shift = 0, 0
            while True:
                at = before.find(old_name, column)
                if at < 0:
                    break
                if after[at + shift : at + shift + len(old_name) + len(SUFFIX)] == old_name + SUFFIX:
                    sites.add(Site(relative, i1 + k, at))
                    shift += len(SUFFIX)
                column = at + len(old_name)
    return sites


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp, ast.SetComp,
          ast.DictComp, ast.GeneratorExp)


def _function_table(table: symtable.SymbolTable, name: str, lineno: int) -> symtable.SymbolTable | None:
    for child in table.get_children():
        if child.get_type() == "function" and child.get_name() == name and child.get_lineno() == lineno:
            return child
        found = _function_table(child, name, lineno)
        if found is not None:
            return found
    return None


def _variable_uses(function: ast.AST, table: symtable.SymbolTable, name: str) -> list[ast.Name | ast.Nonlocal]:
    """The names of the function's variable ``name``: in its own scope, and in the nested scopes
    where the name is free (not bound there, or declared ``nonlocal``: those statements too)."""
    out: list[ast.Name | ast.Nonlocal] = []

    def visit(scope_node: ast.AST, scope: symtable.SymbolTable, ours: bool) -> None:
        children = list(scope.get_children())
        inner = _scoped_children(scope_node)
        for node in inner["names"]:
            if ours and (node.id == name if isinstance(node, ast.Name) else name in node.names):
                out.append(node)
        for child_node in inner["scopes"]:
            child = _matching(children, child_node)
            if child is None:
                continue
            try:
                symbol = child.lookup(name)
                free = symbol.is_free() and not symbol.is_local()
            except KeyError:
                free = True  # the name does not occur there
            visit(child_node, child, ours and free)

    visit(function, table, True)
    return out


def _matching(children: list[symtable.SymbolTable], node: ast.AST) -> symtable.SymbolTable | None:
    wanted = getattr(node, "name", None)
    for child in children:
        if child.get_lineno() != node.lineno:  # type: ignore[attr-defined]
            continue
        if wanted is None or child.get_name() == wanted:
            children.remove(child)
            return child
    return None


def _scoped_children(scope_node: ast.AST) -> dict[str, list[Any]]:
    """The names directly in a scope and the scopes directly nested in it (their defaults,
    decorators and first iterables belong to the outer scope)."""
    names: list[ast.Name | ast.Nonlocal] = []
    scopes: list[ast.AST] = []
    stack: list[ast.AST] = []
    if isinstance(scope_node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        stack += list(scope_node.body)
    elif isinstance(scope_node, ast.Lambda):
        stack.append(scope_node.body)
    elif isinstance(scope_node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
        for i, gen in enumerate(scope_node.generators):
            stack += ([] if i == 0 else [gen.iter]) + [gen.target, *gen.ifs]
        stack += [scope_node.key, scope_node.value] if isinstance(scope_node, ast.DictComp) else [scope_node.elt]
    while stack:
        node = stack.pop()
        if isinstance(node, SCOPES):
            scopes.append(node)
            stack += _outer_parts(node)
            continue
        if isinstance(node, ast.Name | ast.Nonlocal):
            names.append(node)
        stack += list(ast.iter_child_nodes(node))
    return {"names": names, "scopes": scopes}


def _outer_parts(node: ast.AST) -> list[ast.AST]:
    """What a nested scope's definition evaluates in the enclosing scope."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        a = node.args
        parts: list[ast.AST] = [*node.decorator_list, *a.defaults, *[d for d in a.kw_defaults if d is not None]]
        parts += [x.annotation for x in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
                  if x is not None and x.annotation is not None]
        return parts + ([node.returns] if node.returns is not None else [])
    if isinstance(node, ast.Lambda):
        return [*node.args.defaults, *[d for d in node.args.kw_defaults if d is not None]]
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *[k.value for k in node.keywords]]
    if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
        return [node.generators[0].iter]
    return []
