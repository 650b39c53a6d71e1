"""The pinned packages (see :mod:`benchmarks.packages`): downloaded once, unpacked, cached."""

from __future__ import annotations

import logging
import subprocess
import sys
import zipfile
from pathlib import Path

from benchmarks.packages import PINNED, TEST, TUNING, PackageSpec, spec_of

__all__ = ["PINNED", "TEST", "TUNING", "PackageSpec", "download_wheel", "ensure_package", "spec_of"]

log = logging.getLogger(__name__)


def download_wheel(spec: PackageSpec, downloads: Path) -> Path:
    """The pure-Python wheel of ``spec`` in ``downloads``, fetched with pip when missing."""
    pattern = f"{spec.name.replace('-', '_')}-{spec.version}-*-none-any.whl"
    found = sorted(downloads.glob(pattern))
    if not found:
        downloads.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:"]
        command += ["--platform", "any"]  # pure Python only, whatever this machine is
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
