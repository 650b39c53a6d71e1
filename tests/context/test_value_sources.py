"""What a summary records of the values a method assigns and a function returns."""

from __future__ import annotations

import ast
from pathlib import Path

from context.api import Analyzer
from context.summarize import summarize_module
from context.summary import ClassSummary, ValueSource
from context.value_sources import UNKNOWN

SOURCE = '''
class Client:
    timeout = None

    def __init__(self, env: Env, url: URL | str, retries: int) -> None:
        reader = env.open_reader(url)
        url = URL(url)
        self.reader = reader
        self.url = url
        self.retries = retries
        self.pool, self.name = Pool(), "client"
        for item in env.items():
            self.last = item
        self.timeout = Timeout(5)

        def later() -> None:
            self.callback = None

    def current(self):
        if self.reader:
            return self.reader
        return None

    def stream(self):
        yield self.reader


def make(env: Env):
    client = Client(env, "u", 1)
    return client
'''


def _client() -> ClassSummary:
    return summarize_module(ast.parse(SOURCE), "m.py", "m").classes["Client"]


def test_assigned_values_keep_the_names_they_read() -> None:
    reader = _client().field("reader")
    assert reader is not None and reader.annotation is None
    assert reader.values == (ValueSource("reader", (("reader", None, "env.open_reader(url)"),
                                                    ("url", "URL | str", None), ("url", None, "URL(url)"),
                                                    ("env", "Env", None)), "self"),)


def test_a_parameter_assigned_unchanged_gives_its_annotation() -> None:
    retries = _client().field("retries")
    assert retries is not None and retries.annotation == "int" and retries.values == ()


def test_tuples_loops_class_defaults_and_nested_functions() -> None:
    cls = _client()
    pool, name, last = cls.field("pool"), cls.field("name"), cls.field("last")
    assert pool is not None and pool.values[0].text == "Pool()"
    assert name is not None and name.values[0].text == "'client'"
    assert last is not None and last.values[0].names == (("item", None, None),)  # a loop: unknown
    timeout = cls.field("timeout")
    assert timeout is not None and [v.text for v in timeout.values] == ["None", "Timeout(5)"]
    callback = cls.field("callback")
    assert callback is not None and callback.values == (ValueSource(""),)  # exists, type unknown


def test_what_functions_return() -> None:
    cls = _client()
    current = cls.method("current")
    assert current is not None and [v.text for v in current.returned] == ["self.reader", "None"]
    stream = cls.method("stream")
    assert stream is not None and stream.returned == ()  # a generator
    module = summarize_module(ast.parse(SOURCE), "m.py", "m")
    assert module.functions["make"].returned[0].names == (("client", None, "Client(env, 'u', 1)"),
                                                          ("env", "Env", None))


def test_a_call_too_long_to_keep_keeps_its_callee() -> None:
    arguments = ", ".join(f"option_{i}=settings.option_{i}" for i in range(8))
    source = (
        "class Client:\n"
        "    def __init__(self, settings: Settings) -> None:\n"
        f"        self.pool = ConnectionPool({arguments})\n"
        f"        pool = make_pool({arguments})\n"
        "        self.other = pool\n"
        f"        self.text = '{'x' * 130}'\n"
    )
    client = summarize_module(ast.parse(source), "m.py", "m").classes["Client"]
    pool, other, text = client.field("pool"), client.field("other"), client.field("text")
    assert pool is not None and pool.values == (ValueSource("ConnectionPool(...)", (), "self"),)
    assert other is not None and other.values == (ValueSource("pool", (("pool", None, "make_pool(...)"),), "self"),)
    assert text is not None and text.values == (UNKNOWN,)  # nothing to shorten: unknown


def test_an_attribute_set_from_a_long_call_is_typed_across_modules(tmp_path: Path) -> None:
    (tmp_path / "pool.py").write_text(
        "class ConnectionPool:\n"
        "    def __init__(self, **options: object) -> None: ...\n"
        "    def acquire(self) -> int: ...\n",
        encoding="utf-8",
    )
    arguments = ", ".join(f"option_{i}=option_{i}" for i in range(12))
    (tmp_path / "client.py").write_text(
        "from pool import ConnectionPool\n\n\n"
        "class Client:\n"
        "    def __init__(self) -> None:\n"
        f"        self.pool = ConnectionPool({arguments})\n\n"
        "    def send(self) -> int:\n"
        "        return self.pool.acquire()\n",
        encoding="utf-8",
    )
    path = tmp_path / "client.py"
    text = path.read_text(encoding="utf-8")
    hole = Analyzer(tmp_path).hole_context(path, 8, len("        return self.pool."), text)
    assert hole.receiver_type == "ConnectionPool"


DOMINATED = '''
class Enhance:
    def __init__(self, expr: Element | str, ender: str, flag: bool) -> None:
        if isinstance(expr, str):
            expr = Literal(expr)
        expr = cast(Element, expr)
        self.expr = expr
        if flag:
            ender = make_ender(ender)
        self.ender = ender
        for item in items():
            current = first(item)
            self.current = current
            current = second(item)
'''


def test_an_assignment_that_surely_ran_last_hides_the_earlier_ones() -> None:
    enhance = summarize_module(ast.parse(DOMINATED), "m.py", "m").classes["Enhance"]
    expr, ender, current = enhance.field("expr"), enhance.field("ender"), enhance.field("current")
    assert expr is not None and expr.values == (ValueSource("expr", (("expr", None, "cast(Element, expr)"),), "self"),)
    # bound in a branch: the parameter's declared type and the value both may hold
    assert ender is not None and ender.values[0].names[:2] == (("ender", "str", None), ("ender", None, "make_ender(ender)"))
    # bound again later in a loop: every binding may hold
    assert current is not None
    assert {n[2] for n in current.values[0].names if n[0] == "current"} == {"first(item)", "second(item)"}


def test_setting_an_attribute_or_item_of_a_local_does_not_bind_it_again() -> None:
    source = ("def make(name):\n    new = Token(name)\n    new.parent = None\n    new.tags[0] = name\n"
              "    items = []\n    items[0] = new\n    return new\n")
    summary = summarize_module(ast.parse(source), "m.py", "m")
    (returned,) = summary.functions["make"].returned
    assert ("new", None, "Token(name)") in returned.names
