"""The real packages the benchmarks run on, pinned, and their split into a tuning and a test set.

Every benchmark that measures the engine on real code (context recall, checking fillings) takes
its packages from here. The **tuning** set may be studied while the engine is tuned; the **test**
set is only ever measured, and only its aggregate numbers are read: it tells whether a change
helps on code nobody tuned for.

All pins are pure-Python wheels (``py3-none-any``); ``imports`` are the top-level import
packages each wheel ships.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PackageSpec:
    name: str  # distribution name on PyPI
    version: str
    imports: tuple[str, ...]  # top-level import packages shipped by the wheel

    @property
    def label(self) -> str:
        return f"{self.name}-{self.version}"


PINNED: dict[str, PackageSpec] = {
    spec.name: spec
    for spec in (
        # tuning set
        PackageSpec("httpx", "0.28.1", ("httpx",)),
        PackageSpec("rich", "13.9.4", ("rich",)),
        PackageSpec("textual", "0.89.1", ("textual",)),
        PackageSpec("starlette", "0.41.3", ("starlette",)),
        PackageSpec("pydantic", "2.10.6", ("pydantic",)),
        PackageSpec("anyio", "4.8.0", ("anyio",)),
        PackageSpec("pluggy", "1.5.0", ("pluggy",)),
        PackageSpec("markdown-it-py", "3.0.0", ("markdown_it",)),
        PackageSpec("more-itertools", "10.5.0", ("more_itertools",)),
        # test set
        PackageSpec("httpcore", "1.0.7", ("httpcore",)),
        PackageSpec("trio", "0.28.0", ("trio",)),
        PackageSpec("urllib3", "2.3.0", ("urllib3",)),
        PackageSpec("tomlkit", "0.13.2", ("tomlkit",)),
        PackageSpec("docutils", "0.21.2", ("docutils",)),
        PackageSpec("traitlets", "5.14.3", ("traitlets",)),
        PackageSpec("pyrsistent", "0.20.0", ("pyrsistent",)),
        PackageSpec("pygments", "2.19.1", ("pygments",)),
    )
}

TUNING: tuple[str, ...] = (
    "httpx",
    "rich",
    "textual",
    "starlette",
    "pydantic",
    "anyio",
    "pluggy",
    "markdown-it-py",
    "more-itertools",
)
TEST: tuple[str, ...] = (
    "httpcore",
    "trio",
    "urllib3",
    "tomlkit",
    "docutils",
    "traitlets",
    "pyrsistent",
    "pygments",
)
SPLITS: dict[str, tuple[str, ...]] = {"tuning": TUNING, "test": TEST, "all": TUNING + TEST}


def split_packages(split: str) -> tuple[str, ...]:
    """The package names of ``split`` (``tuning``, ``test`` or ``all``)."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: choose one of {', '.join(SPLITS)}")
    return SPLITS[split]


def split_of(name: str) -> str | None:
    """``"tuning"`` or ``"test"`` for a pinned package, ``None`` for one pinned by hand."""
    if name in TUNING:
        return "tuning"
    if name in TEST:
        return "test"
    return None


def spec_of(name: str) -> PackageSpec:
    """A pinned spec by name; ``name==version`` pins any pure-Python package by hand."""
    if "==" in name:
        distribution, version = name.split("==", 1)
        pinned = PINNED.get(distribution)
        imports = pinned.imports if pinned else (distribution.replace("-", "_"),)
        return PackageSpec(distribution, version, imports)
    if name not in PINNED:
        raise ValueError(f"unknown package {name!r}: pin it as NAME==VERSION")
    return PINNED[name]


def selected_packages(packages: str | None, split: str) -> tuple[str, ...]:
    """``--packages`` (comma-separated) when given, else the packages of ``--split``."""
    if packages:
        return tuple(name.strip() for name in packages.split(",") if name.strip())
    return split_packages(split)
