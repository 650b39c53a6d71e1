"""What a summary records of the values a method assigns and a function returns."""

from __future__ import annotations

import ast

from context.summarize import summarize_module
from context.summary import ClassSummary, ValueSource

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
