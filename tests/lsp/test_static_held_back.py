"""The static filler's candidates face the same hold-back as a model's: on an automatic
trigger a filling the checker flags is not shown; invoked, it is shown and marked."""

from __future__ import annotations

from tests.completion.test_static_placeholders import FACTORY, GEO, USE
from tests.lsp.test_completion import inline

LINE = USE.count("\n")
COLUMN = len(USE.split("\n")[-1])


async def test_static_filling_flagged_is_held_back_when_automatic(start_session):
    session = await start_session()  # the static backend
    session.open("geo.py", GEO)
    session.open("factory.py", FACTORY)
    uri = session.open("use.py", USE)
    automatic = await inline(session, uri, LINE, COLUMN, automatic=True)
    assert list(automatic.items) == []
    held = [s for s in session.statuses if s["state"] == "heldBack"]
    assert held and "make_point" in held[-1]["reason"], session.statuses
    invoked = await inline(session, uri, LINE, COLUMN)
    assert [item.insert_text for item in invoked.items] == ["make_point(0.0, 0.0)"]
    command = invoked.items[0].command
    assert command is not None and command.title.startswith("holepilot: unverified: ")
