"""Pure analysis of Python code at a hole: no network, no LSP. The facade is :mod:`context.api`."""
