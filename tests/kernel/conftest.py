"""Fixtures for the kernel tests: a small prelude built directly as kernel terms."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import kernel_prelude  # noqa: E402


@pytest.fixture(scope="module")
def env():
    return kernel_prelude.build_prelude()
