"""The session's lifecycle: initialize, settings, workspace folders, background indexing,
shutdown (registered in :mod:`lsp_server.features`)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from lsprotocol import types
from pygls import uris
from pygls.capabilities import get_capability

from completion.api import Engine
from completion.settings import parse_settings
from lsp_server.convert import plain
from lsp_server.server import HolepilotServer

logger = logging.getLogger(__name__)


def initialize(ls: HolepilotServer, params: types.InitializeParams) -> None:
    ls.bind_loop()
    settings, warnings = parse_settings(plain(params.initialization_options))
    ls.session.start(workspace_root(ls, params), settings, warnings)


def initialized(ls: HolepilotServer, params: types.InitializedParams) -> None:
    warn_settings(ls, ls.session.settings.warnings, "initializationOptions")
    report_state(ls)
    ls.spawn(index_workspace(ls))
    ls.session.projects.add_folders(folder_paths(ls.workspace.folders.values()))


def did_change_workspace_folders(
    ls: HolepilotServer, params: types.DidChangeWorkspaceFoldersParams
) -> None:
    ls.session.projects.remove_folders(folder_paths(params.event.removed))
    ls.session.projects.add_folders(folder_paths(params.event.added))


async def did_change_configuration(
    ls: HolepilotServer, params: types.DidChangeConfigurationParams
) -> None:
    pushed = plain(params.settings)
    raw = pushed.get("holepilot") if isinstance(pushed, dict) else pushed
    source = "didChangeConfiguration"
    if get_capability(ls.client_capabilities, "workspace.configuration", False):
        try:
            raw, source = await pulled_settings(ls), "workspace/configuration"
        except Exception:  # a client that advertised but failed: keep what was pushed
            logger.warning("workspace/configuration failed", exc_info=True)
    apply_settings(ls, raw, source)


async def shutdown(ls: HolepilotServer, params: None) -> None:
    ls.session.caches.log_hit_rates()
    await ls.session.projects.close()


def apply_settings(ls: HolepilotServer, raw: Any, source: str) -> None:
    """Parse ``raw`` settings over the initialization options; bad values give one warning
    message and keep their defaults."""
    settings, warnings = parse_settings(plain(raw), ls.session.settings.initial)
    warn_settings(ls, warnings, source)
    ls.session.update_settings(settings, warnings)
    report_state(ls)


def warn_settings(ls: HolepilotServer, warnings: list[str], source: str) -> None:
    if not warnings:
        return
    text = "; ".join(warnings)
    logger.warning("settings from %s: %s", source, text)
    ls.window_show_message(
        types.ShowMessageParams(type=types.MessageType.Warning, message=f"holepilot: {text}")
    )


def report_state(ls: HolepilotServer) -> None:
    session, projects = ls.session, ls.session.projects
    status = projects.backend_status()
    if not session.settings.current.enable:
        session.status.disabled(status, "holepilot.enable is false")
    elif projects.engine is None:
        session.status.error(status, projects.error or "engine not started")
    else:
        session.status.ok(status)


async def pulled_settings(ls: HolepilotServer) -> Any:
    items = [types.ConfigurationItem(section="holepilot")]
    answer = await ls.workspace_configuration_async(types.ConfigurationParams(items=items))
    return plain(answer[0]) if answer else None


def workspace_root(ls: HolepilotServer, params: types.InitializeParams) -> str | None:
    """The root path, else the first workspace folder's (multi-root clients may send only those)."""
    root: str | None = ls.workspace.root_path
    if root:
        return root
    for folder in params.workspace_folders or ():
        path = uris.to_fs_path(folder.uri)
        if path:
            return path
    return None


def folder_paths(folders: Iterable[types.WorkspaceFolder]) -> list[str]:
    return [path for path in (uris.to_fs_path(folder.uri) for folder in folders) if path]


class IndexProgress:
    """Forwards the engine's indexing progress (from any thread) as work-done reports."""

    def __init__(self, ls: HolepilotServer, token: str | None) -> None:
        self.ls = ls
        self.token = token
        self.loop = asyncio.get_running_loop()

    def __call__(self, *args: Any) -> None:
        self.loop.call_soon_threadsafe(self._report, args)

    def _report(self, args: tuple[Any, ...]) -> None:
        numbers = [a for a in args if isinstance(a, int | float) and not isinstance(a, bool)]
        words = [str(a) for a in args if isinstance(a, str)]
        percentage = None
        if len(numbers) >= 2 and numbers[1]:
            percentage = max(0, min(100, int(numbers[0] * 100 / numbers[1])))
        message = " ".join(words) or (
            f"{numbers[0]:g}/{numbers[1]:g} files" if len(numbers) >= 2 else None
        )
        if self.token is not None:
            value = types.WorkDoneProgressReport(message=message, percentage=percentage)
            self.ls.work_done_progress.report(self.token, value)


async def index_workspace(ls: HolepilotServer, engine: Engine | None = None) -> None:
    """Let an engine (the workspace's by default) index its project in the background,
    showing progress."""
    engine = engine or ls.session.projects.engine
    if engine is None:
        return
    other = engine is not ls.session.projects.engine
    token = await _begin_progress(ls, f"holepilot: indexing {engine.root.name}" if other else None)
    try:
        progress = IndexProgress(ls, token)
        count = await engine.index_workspace_async(progress)
        logger.info("%s indexed: %s files", engine.root if other else "workspace", count)
    except Exception:
        logger.exception("workspace indexing failed")
    finally:
        if token is not None:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message="indexed"))


async def _begin_progress(ls: HolepilotServer, title: str | None = None) -> str | None:
    if not get_capability(ls.client_capabilities, "window.work_done_progress", False):
        return None
    token = f"holepilot-index-{uuid.uuid4()}"
    try:
        await ls.work_done_progress.create_async(token)
    except Exception:
        logger.warning("client refused a progress token", exc_info=True)
        return None
    begin = types.WorkDoneProgressBegin(
        title=title or "holepilot: indexing", percentage=0, cancellable=False
    )
    ls.work_done_progress.begin(token, begin)
    return token
