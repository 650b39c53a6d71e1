"""The language server: the only code that speaks LSP."""
