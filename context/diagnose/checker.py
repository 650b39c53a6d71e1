"""All checks of one module text."""

from __future__ import annotations

from context.diagnose.attributes import AttributeChecks
from context.diagnose.calls import CallChecks
from context.diagnose.names import NameChecks
from context.model import Diagnostic


class Checker(NameChecks, AttributeChecks, CallChecks):
    """The checks of one module text; caches live as long as the check."""

    def run(self) -> list[Diagnostic]:
        out = self.name_problems()
        out += self.attribute_problems()
        out += self.call_problems()
        out += self.declared_type_problems()
        return out
