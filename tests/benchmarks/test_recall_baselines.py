"""The local-window and Jaccard-retrieval baselines, and the header rule of the recall score."""

from __future__ import annotations

from benchmarks.recall_baselines import (
    WindowIndex,
    identifiers,
    jaccard,
    jaccard_prompt,
    local_window,
    query_of,
    windows_of,
)
from benchmarks.recall_index import Definition
from benchmarks.recall_scoring import Tally, appears, hits
from completion.tokens import count_tokens


def numbered(count: int, word: str = "line") -> str:
    return "".join(f"{word}_{i} = {i}\n" for i in range(count))


def test_identifiers_drop_keywords() -> None:
    assert identifiers("def f(x): return x if y else None") == {"f", "x", "y"}


def test_jaccard() -> None:
    assert jaccard(frozenset("ab"), frozenset("bc")) == 1 / 3
    assert jaccard(frozenset(), frozenset()) == 0.0


def test_local_window_is_prefix_heavy_and_within_budget() -> None:
    text = numbered(400, "before") + numbered(400, "after")
    offset = len(numbered(400, "before"))
    window = local_window(text, offset, 200)
    assert count_tokens(window) <= 200
    before, after = window.count("before_"), window.count("after_")
    assert before > 2 * after > 0
    assert "before_399 = 399\n" in window
    assert "after_0 = 0\n" in window


def test_local_window_gives_unused_prefix_to_the_suffix() -> None:
    text = "x = 1\n" + numbered(400, "after")
    window = local_window(text, 6, 200)
    assert count_tokens(window) > 150
    assert window.startswith("x = 1\n")


def test_windows_cover_the_file_with_stride() -> None:
    source = "\n".join(f"l{i}" for i in range(25))
    windows = windows_of("a.py", source)
    assert [w.start_line for w in windows] == [1, 11]
    assert windows[0].text.split("\n")[-1] == "l19"
    assert windows[1].text.split("\n")[-1] == "l24"
    assert windows_of("b.py", "x")[0].text == "x"


def test_query_is_the_last_lines_before_the_cursor() -> None:
    text = numbered(30) + "result = "
    query = query_of(text, len(text))
    assert "result" in query
    assert "line_29" in query and "line_21" in query
    assert "line_20" not in query


def test_retrieval_ranks_similar_windows_first_and_skips_the_own_file() -> None:
    index = WindowIndex(
        [
            ("own.py", "def parse_header(raw_bytes): ...\n"),
            ("far.py", "def unrelated(a, b): ...\n"),
            ("near.py", "def parse_header(raw_bytes, strict): ...\n"),
        ]
    )
    ranked = index.ranked(frozenset({"parse_header", "raw_bytes"}), exclude_path="own.py")
    assert [w.path for w in ranked] == ["near.py"]


def test_jaccard_prompt_retrieves_the_definition_within_budget() -> None:
    helper = (
        numbered(40, "pad")
        + "def load_config(path_name):\n    return path_name\n"
        + numbered(40, "tail")
    )
    index = WindowIndex([("helpers.py", helper), ("other.py", numbered(200, "noise"))])
    text = "def main(path_name):\n    cfg = "
    prompt = jaccard_prompt(index, "main.py", text, len(text), 256)
    assert count_tokens(prompt) <= 256
    assert "def load_config(" in prompt
    assert prompt.endswith(text)


def test_header_rule() -> None:
    prompt = "x = 1\n    async def fetch (url):\nclass Client(Base):\nclass Gen[T]:\ndef   plain[T](x):\n"
    assert appears(prompt, Definition("a.py", "fetch", 1, "function"))
    assert appears(prompt, Definition("a.py", "Client", 1, "class"))
    assert appears(prompt, Definition("a.py", "Gen", 1, "class"))
    assert appears(prompt, Definition("a.py", "plain", 1, "function"))
    assert not appears(prompt, Definition("a.py", "Client", 1, "function"))
    assert not appears(prompt, Definition("a.py", "fetc", 1, "function"))
    assert not appears("y = fetch(url)\n# def fetch(\n", Definition("a.py", "fetch", 1, "function"))
    assert not appears("class ClientError(Exception):\n", Definition("a.py", "Client", 1, "class"))


def test_hits_and_tally() -> None:
    definitions = [Definition("a.py", "f", 1), Definition("b.py", "C", 3, "class")]
    found = hits("def f(x):\n    pass\n", definitions)
    assert found == [True, False]
    tally = Tally()
    for hit in found:
        tally.add(hit)
    assert (tally.found, tally.total, tally.recall) == (1, 2, 0.5)
