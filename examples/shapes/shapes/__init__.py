"""A tiny geometry package: the example workspace of holepilot."""
