"""Shared fixtures for the engine tests: the tiny models, loaded once per session and dtype."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import model

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = FIXTURES / "golden"
DECODERS = ("tiny-llama", "tiny-qwen2", "tiny-qwen3")

_engines: dict = {}


def load_engine(name: str, dtype: str = "fp32", **kw):
    key = (name, dtype, tuple(sorted(kw.items())))
    if key not in _engines:
        path = FIXTURES / name if (FIXTURES / name).is_dir() else Path(name)
        _engines[key] = model.load(path, dtype=dtype, **kw)
    return _engines[key]


def golden(name: str) -> dict:
    with np.load(GOLDEN / f"{name}.npz") as z:
        return {k: z[k] for k in z.files}


@pytest.fixture
def engine_for():
    """engine_for(name_or_path, dtype="fp32", **load_kwargs) -> a cached model.Engine (tests leave it idle)."""
    return load_engine


@pytest.fixture
def golden_data():
    """golden_data(name) -> dict of the arrays in fixtures/golden/<name>.npz."""
    return golden


@pytest.fixture
def fixtures_dir():
    return FIXTURES


@pytest.fixture
def chat_engine():
    return load_engine(str(model.default_chat_model_path()), "fp32")


@pytest.fixture(scope="session")
def simulator_verdicts(request):
    """``"module:case" -> None | traceback`` for every simulated CUDA case selected in this session.

    All of them run in one child process with the CUDA simulator on (see cuda_simulator.py).
    """
    spec = importlib.util.spec_from_file_location("cuda_simulator", Path(__file__).parent / "cuda_simulator.py")
    sim = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sim)
    return sim.run_in_simulator(sim.selected_cases(request.session))
