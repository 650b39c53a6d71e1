"""Unannotated parameters typed by what the workspace's calls pass for them: across modules,
through methods, constructors and keyword arguments, and through callers' own parameters — in
the plain scope only (the cautious checker does not take calls as declarations)."""

from __future__ import annotations

from pathlib import Path

from context.api import Analyzer
from context.callers import parameter_type
from context.infer import Scope
from context.receiver_scope import ReceiverScope
from tests.context.receivers import receiver_at

MODELS = '''
class Response:
    def close(self) -> None: ...


class Request:
    def prepare(self) -> None: ...
'''

SESSION = '''
from models import Request, Response


def extract(jar, request, response):
    {extract}


class Mock:
    def __init__(self, request):
        self._r = request

    def host(self):
        return self._r.{mock}


class Session:
    def send(self, request: Request):
        r = Response()
        self.redirects(r, request)
        extract(None, request, response=r)
        return Mock(request)

    def redirects(self, resp, req):
        {redirects}
'''


def _receiver(tmp_path: Path, extract: str = "pass", mock: str = "url", redirects: str = "pass") -> str | None:
    session = SESSION.format(extract=extract, mock=mock, redirects=redirects)
    return receiver_at(tmp_path, {"models.py": MODELS, "session.py": session}, "session.py")


def test_a_method_parameter_typed_by_a_call_through_self(tmp_path: Path) -> None:
    assert _receiver(tmp_path, redirects="resp.") == "Response"
    assert _receiver(tmp_path, redirects="req.") == "Request"  # the caller's annotated parameter


def test_a_function_parameter_typed_by_positional_and_keyword_arguments(tmp_path: Path) -> None:
    assert _receiver(tmp_path, extract="request.") == "Request"
    assert _receiver(tmp_path, extract="response.") == "Response"


def test_a_constructor_parameter_typed_by_the_class_call_then_its_field(tmp_path: Path) -> None:
    assert _receiver(tmp_path, mock="") == "Request"  # ``self._r.`` in Mock.host


def test_a_parameter_passed_on_from_another_modules_caller(tmp_path: Path) -> None:
    # ``run`` passes its own unannotated parameter, typed by ``main``'s call in a third module
    extra = {
        "jobs.py": "def run(item):\n    return handle(item)\n\n\ndef handle(thing):\n    thing.\n",
        "main.py": "from jobs import run\nfrom models import Request\n\n\ndef main():\n    run(Request())\n",
    }
    files = {"models.py": MODELS, **extra}
    assert receiver_at(tmp_path, files, "jobs.py") == "Request"


def test_calls_of_another_function_of_the_same_name_tell_nothing(tmp_path: Path) -> None:
    extra = {
        "jobs.py": "def handle(thing):\n    thing.\n",
        "other.py": "from models import Response\n\n\ndef handle(x):\n    pass\n\n\ndef go():\n"
                    "    handle(Response())\n",
    }
    assert receiver_at(tmp_path, {"models.py": MODELS, **extra}, "jobs.py") is None


def test_no_caller_or_only_none_passed_leaves_it_unknown(tmp_path: Path) -> None:
    files = {
        "models.py": MODELS,
        "jobs.py": "def handle(thing, other):\n    thing.\n\n\ndef go():\n    handle(None, 1)\n",
    }
    assert receiver_at(tmp_path, files, "jobs.py") is None


def test_the_cautious_checker_does_not_take_calls_as_declarations(tmp_path: Path) -> None:
    text = ("from models import Response\n\n\ndef handle(thing):\n    thing.closed()\n\n\n"
            "def go():\n    handle(Response())\n")
    (tmp_path / "models.py").write_text(MODELS, encoding="utf-8")
    path = tmp_path / "jobs.py"
    path.write_text(text, encoding="utf-8")
    assert _receiver(tmp_path, redirects="resp.") == "Response"  # the plain scope does
    assert [p.message for p in Analyzer(tmp_path).diagnose(path, text)] == []


def test_the_ripples_scope_wants_every_call_known(tmp_path: Path) -> None:
    (tmp_path / "models.py").write_text(MODELS, encoding="utf-8")
    (tmp_path / "jobs.py").write_text("from models import Response\n\n\ndef handle(thing):\n    pass\n\n\n"
                                      "def go(other):\n    handle(Response())\n    handle(other.make())\n",
                                      encoding="utf-8")
    analyzer = Analyzer(tmp_path)
    module = analyzer.workspace.module("jobs")
    assert module is not None
    plain = parameter_type(Scope(analyzer.resolver, module, [], 0, 0), "handle", "thing")
    assert plain is not None and plain.short == "Response"  # what is known of the calls
    assert parameter_type(ReceiverScope(analyzer.resolver, module, [], 0, 0), "handle", "thing") is None
