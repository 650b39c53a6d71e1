"""Shared pytest configuration of the holepilot test suite."""

import os
import tempfile

from tests.support.llm_server import llm_server as llm_server

# Every process the tests start (CLI, language server) keeps its on-disk index in a scratch
# directory, never in the user's cache.
os.environ.setdefault("HOLEPILOT_CACHE_DIR", tempfile.mkdtemp(prefix="holepilot-test-cache-"))
