"""The real packages the recall benchmark runs on: pinned, downloaded once, unpacked, cached."""

from __future__ import annotations

import logging
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PackageSpec:
    name: str  # distribution name on PyPI
    version: str
    imports: tuple[str, ...]  # top-level import packages shipped by the wheel

    @property
    def label(self) -> str:
        return f"{self.name}-{self.version}"


# Typed (they ship py.typed), pure Python, many modules; textual has more than 200 files.
PINNED: dict[str, PackageSpec] = {
    spec.name: spec
    for spec in (
        PackageSpec("httpx", "0.28.1", ("httpx",)),
        PackageSpec("rich", "13.9.4", ("rich",)),
        PackageSpec("textual", "0.89.1", ("textual",)),
        PackageSpec("starlette", "0.41.3", ("starlette",)),
        PackageSpec("attrs", "24.3.0", ("attr", "attrs")),
        PackageSpec("pydantic", "2.10.6", ("pydantic",)),
    )
}
DEFAULT_PACKAGES = ("httpx", "rich", "textual")


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


def download_wheel(spec: PackageSpec, downloads: Path) -> Path:
    """The pure-Python wheel of ``spec`` in ``downloads``, fetched with pip when missing."""
    pattern = f"{spec.name.replace('-', '_')}-{spec.version}-*.whl"
    found = sorted(downloads.glob(pattern))
    if not found:
        downloads.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:"]
        command += ["--dest", str(downloads), f"{spec.name}=={spec.version}"]
        log.info("downloading %s", spec.label)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        found = sorted(downloads.glob(pattern))
    if not found:
        raise FileNotFoundError(f"pip left no wheel matching {pattern} in {downloads}")
    return found[0]


def unpack(wheel: Path, spec: PackageSpec, destination: Path) -> Path:
    """Extract the import packages of the wheel into ``destination`` once; returns it."""
    marker = destination / ".unpacked"
    if marker.exists():
        return destination
    prefixes = tuple(f"{name}/" for name in spec.imports)
    with zipfile.ZipFile(wheel) as archive:
        members = [member for member in archive.namelist() if member.startswith(prefixes)]
        archive.extractall(destination, members)
    marker.write_text(wheel.name + "\n", encoding="utf-8")
    return destination


def ensure_package(spec: PackageSpec, work: Path) -> Path:
    """The unpacked root of ``spec`` under ``work`` (the directory holding its import packages)."""
    wheel = download_wheel(spec, work / "downloads")
    return unpack(wheel, spec, work / "src" / spec.label)
