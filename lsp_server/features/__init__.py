"""LSP features of holepilot, one module per area; each has ``register(server)``."""
