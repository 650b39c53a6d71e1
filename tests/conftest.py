"""Shared pytest configuration of the holepilot test suite."""

from tests.support.llm_server import llm_server as llm_server
