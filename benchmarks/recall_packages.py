"""The pinned packages (see :mod:`benchmarks.packages`): downloaded once, unpacked, cached."""

from __future__ import annotations

import fnmatch
import logging
import subprocess
import sys
import zipfile
from pathlib import Path

from benchmarks.packages import PINNED, TEST, TUNING, PackageSpec, spec_of

__all__ = ["PINNED", "TEST", "TUNING", "PackageSpec", "download_wheel", "ensure_package", "resolved", "spec_of",
           "wheel_imports"]

log = logging.getLogger(__name__)


def download_wheel(spec: PackageSpec, downloads: Path) -> Path:
    """The pure-Python wheel of ``spec`` in ``downloads``, fetched with pip when missing."""
    pattern = f"{spec.name.replace('-', '_')}-{spec.version}-*-none-any.whl"
    found = _wheels(downloads, pattern)
    if not found:
        downloads.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:"]
        command += ["--platform", "any"]  # pure Python only, whatever this machine is
        command += ["--dest", str(downloads), f"{spec.name}=={spec.version}"]
        log.info("downloading %s", spec.label)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        found = _wheels(downloads, pattern)
    if not found:
        raise FileNotFoundError(f"pip left no wheel matching {pattern} in {downloads}")
    return found[0]


def _wheels(downloads: Path, pattern: str) -> list[Path]:
    """The wheels in ``downloads`` matching ``pattern`` whatever the case of the project's name
    (``Markdown-3.7-py3-none-any.whl`` for ``markdown==3.7``)."""
    return sorted(p for p in downloads.glob("*.whl") if fnmatch.fnmatch(p.name.lower(), pattern.lower()))


def wheel_imports(wheel: Path) -> tuple[str, ...]:
    """The top-level import packages and modules a wheel ships: its ``top_level.txt``, else the
    top-level directories and ``.py`` files it holds (not its ``.dist-info``/``.data``)."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        listed = [n for n in names if n.count("/") == 1 and n.endswith(".dist-info/top_level.txt")]
        if listed:
            found = archive.read(listed[0]).decode("utf-8", "replace").split()
            if found:
                return tuple(dict.fromkeys(found))
    tops = [n.split("/", 1)[0] if "/" in n else n.removesuffix(".py") for n in names
            if "/" in n or n.endswith(".py")]
    return tuple(dict.fromkeys(t for t in tops if not t.endswith((".dist-info", ".data"))))


def resolved(spec: PackageSpec, work: Path) -> PackageSpec:
    """``spec`` with the import packages its wheel really ships when the ones it names are not
    in it (a package pinned by hand whose import name is not its distribution's:
    ``python-dateutil`` ships ``dateutil``)."""
    wheel = download_wheel(spec, work / "downloads")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    if all(any(n.startswith(f"{name}/") or n == f"{name}.py" for n in names) for name in spec.imports):
        return spec
    return PackageSpec(spec.name, spec.version, wheel_imports(wheel))


def unpack(wheel: Path, spec: PackageSpec, destination: Path) -> Path:
    """Extract the import packages of the wheel into ``destination`` once; returns it."""
    marker = destination / ".unpacked"
    stamp = f"{wheel.name}\n{' '.join(spec.imports)}\n"
    if marker.exists() and marker.read_text(encoding="utf-8") in (stamp, wheel.name + "\n"):
        return destination
    prefixes = tuple(f"{name}/" for name in spec.imports)
    modules = {f"{name}.py" for name in spec.imports}
    with zipfile.ZipFile(wheel) as archive:
        members = [member for member in archive.namelist() if member.startswith(prefixes) or member in modules]
        archive.extractall(destination, members)
    marker.write_text(stamp, encoding="utf-8")
    return destination


def ensure_package(spec: PackageSpec, work: Path) -> Path:
    """The unpacked root of ``spec`` under ``work`` (the directory holding its import packages)."""
    wheel = download_wheel(spec, work / "downloads")
    return unpack(wheel, spec, work / "src" / spec.label)
