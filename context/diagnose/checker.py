"""All checks of one module text."""

from __future__ import annotations

from context.diagnose.attributes import AttributeChecks
from context.diagnose.names import NameChecks
from context.diagnose.placeholders import PlaceholderChecks
from context.diagnose.spelling import SpellingChecks
from context.model import Diagnostic


class Checker(NameChecks, AttributeChecks, PlaceholderChecks, SpellingChecks):
    """The checks of one module text; caches live as long as the check."""

    def run(self) -> list[Diagnostic]:
        out = self.name_problems()
        out += self.attribute_problems()
        out += self.call_problems()
        out += self.declared_type_problems()
        out += self.placeholder_problems()
        out += self.spelling_problems({(d.line, d.column) for d in out})
        return out
