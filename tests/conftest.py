"""Shared pytest configuration of the holepilot test suite."""
