"""Tests against live Keras: every test here imports Keras."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/keras" in str(item.fspath):
            item.add_marker(pytest.mark.keras)
