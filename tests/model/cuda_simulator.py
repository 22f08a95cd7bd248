"""One child process, with Numba's CUDA simulator on, for every simulated CUDA case of a test session.

Goes in: the cases pytest selected from the modules in :data:`MODULES` (each module has a
``CASES`` dict of name -> function run inside the simulator).  Comes out: a verdict per case,
``"module:case" -> None`` (passed) or the traceback text.

Why a child: the simulator must be switched on (``NUMBA_ENABLE_CUDASIM=1``) before ``numba.cuda``
is first imported, and other tests in the pytest process use the real ``numba.cuda`` (PTX
compilation) or none.  Why one child for all modules: starting Python and importing numba, the
engine and the simulator costs seconds on a loaded two-core machine, paid once per session.

Run as a script (``python tests/model/cuda_simulator.py test_cuda_kernels:rope ...``) it runs
those cases and prints the verdicts as JSON on its last line.
"""
from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULES = ("test_cuda_kernels", "test_cuda_engine")
TIMEOUT_S = 1500


def selected_cases(session) -> list[str]:
    """The ``module:case`` names of this session's parametrized simulator tests, in collection order."""
    names = []
    for item in session.items:
        module = getattr(item.module, "__name__", "").rpartition(".")[2]
        if module in MODULES and hasattr(item, "callspec") and "case" in item.callspec.params:
            names.append(f"{module}:{item.callspec.params['case']}")
    return names


def run_in_simulator(names: list[str]) -> dict[str, str | None]:
    """Run the named cases in one simulator child; raise RuntimeError if the child itself fails."""
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    proc = subprocess.run([sys.executable, str(Path(__file__)), *names], env=env, capture_output=True,
                          text=True, timeout=TIMEOUT_S, cwd=HERE.parents[1])
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"simulator child failed (rc {proc.returncode}):\n{proc.stdout}\n{proc.stderr[-4000:]}")
    return json.loads(lines[-1])


def run_cases(names: list[str]) -> dict[str, str | None]:
    """Inside the simulator: run each ``module:case``, collecting None or the traceback."""
    from model.kernels import cuda as K
    assert K.SIMULATOR, "run the cases with NUMBA_ENABLE_CUDASIM=1"
    verdicts = {}
    for name in names:
        module, _, case = name.partition(":")
        try:
            importlib.import_module(module).CASES[case]()
            verdicts[name] = None
        except Exception:
            verdicts[name] = traceback.format_exc()
    return verdicts


if __name__ == "__main__":
    # the simulator's block manager polls its threads while holding the GIL: a short switch
    # interval hands the GIL to the simulated threads sooner (about 2x faster here)
    sys.setswitchinterval(1e-4)
    sys.path[:0] = [str(HERE), str(HERE.parents[1])]
    print(json.dumps(run_cases(sys.argv[1:] or [f"{m}:{c}" for m in MODULES
                                                  for c in importlib.import_module(m).CASES])))
