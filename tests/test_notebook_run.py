"""The notebook executor behind ``make notebooks`` (dcs_tools/notebook_run.py), its parameter
checks, and how the suite is split over processes (tests/conftest.py).

The executor tests run three tiny notebooks (a kernel start each, a few seconds).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from dcs_tools.graph import load_graph
from dcs_tools.notebook_run import (
    NotebookError,
    _thread_count,
    check_parameters,
    execute_in_child,
    execute_notebook,
    parameter_defaults,
    parameter_problems,
    parameters_cell,
    type_problem,
    unknown_parameters,
)
from dcs_tools.pipeline import PipelineError, load_parameters
from helpers.paths import REPO_ROOT


def _tiny(folder: Path, name: str, body: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A tiny notebook"),
        nbformat.v4.new_code_cell("N = 1\nLABEL = 'x'", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(body),
    ]
    path = folder / name
    nbformat.write(nb, path)
    return path


def test_parameters_are_injected_and_a_rerun_rewrites_the_file_byte_for_byte(
    tmp_path: Path,
) -> None:
    # several prints: the stream arrives in pieces that must be merged into one output
    path = _tiny(tmp_path, "01_tiny.ipynb", "for i in range(3):\n    print(LABEL, N * i)")
    execute_notebook(path, {"N": 5, "LABEL": "y"})
    nb = nbformat.read(path, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "N = 5" in injected[0].source
    outputs = nb.cells[-1].outputs
    assert len(outputs) == 1 and outputs[0].text == "y 0\ny 5\ny 10\n"
    assert all("execution" not in c.metadata for c in nb.cells)  # no timings recorded
    first = path.read_bytes()
    execute_notebook(path)  # what `make notebooks` does on unchanged inputs
    assert path.read_bytes() == first


def test_a_failing_cell_is_named_and_the_traceback_saved(tmp_path: Path) -> None:
    path = _tiny(tmp_path, "02_fails.ipynb", "print('before')\n1 / 0")
    expected = r"02_fails.ipynb: cell 2 \(In \[2\] in JupyterLab\) raised ZeroDivisionError"
    with pytest.raises(NotebookError, match=expected):
        execute_notebook(path)
    outputs = nbformat.read(path, as_version=4).cells[2].outputs
    assert [o.output_type for o in outputs] == ["stream", "error"]


def test_unknown_parameter_or_wrong_type_is_refused_before_the_kernel_starts(
    tmp_path: Path,
) -> None:
    path = _tiny(tmp_path, "03_tiny.ipynb", "print(N)")
    before = path.read_bytes()
    with pytest.raises(
        ValueError, match=r"K: no such parameter \(the parameters cell sets LABEL, N\)"
    ):
        execute_notebook(path, {"K": 2})
    with pytest.raises(ValueError, match=r"N: expects int like 1, got str '2'"):
        execute_notebook(path, {"N": "2"})
    assert path.read_bytes() == before
    assert unknown_parameters("N = 1\nLABEL: str = 'x'\n", ["N", "LABEL", "NN"]) == ["NN"]


def test_parameter_types_follow_the_parameters_cell() -> None:
    cell = (
        "RAW = RAW_DIR  # not a literal: any value\n"
        "K = 4\nALPHA = 0.05\nFLAG = True\nNAME = 'x'\nKS = [4, 6]\n"
        "K_RANGE = range(2, 7)\nPERIODS = {'a': (1, 2)}\nMAYBE = None\n"
    )
    defaults = parameter_defaults(cell)
    assert defaults["K_RANGE"] == range(2, 7) and defaults["KS"] == [4, 6]
    good = {
        "RAW": "/elsewhere",
        "K": 6,
        "ALPHA": 1,
        "FLAG": False,
        "NAME": "y",
        "KS": (8,),
        "K_RANGE": [2, 3],
        "PERIODS": {"b": (3, 4)},
        "MAYBE": 3,
    }
    assert parameter_problems(cell, good) == []
    bad = {"K": 6.5, "ALPHA": "0.1", "FLAG": 1, "KS": [4, "6"], "K_RANGE": 3, "PERIODS": [1]}
    problems = parameter_problems(cell, bad)
    assert [p.split(":")[0] for p in problems] == list(bad)
    assert "an element '6'" in problems[3]
    assert type_problem(True, 1) is not None and type_problem(1, True) is not None


def test_every_notebook_is_checked_before_any_runs(tmp_path: Path) -> None:
    """A bad value for the last notebook stops the run before the first one starts."""
    first = _tiny(tmp_path, "01_first.ipynb", "print(N)")
    last = _tiny(tmp_path, "06_last.ipynb", "print(N)")
    with pytest.raises(ValueError, match=r"06_last.ipynb: LABEL: expects str") as caught:
        check_parameters({first: {"N": 2}, last: {"N": 3, "LABEL": 5, "NOPE": 1}})
    assert "06_last.ipynb: NOPE: no such parameter" in str(caught.value)
    assert "01_first" not in str(caught.value)


def test_parameter_file_is_matched_to_notebooks_by_number(tmp_path: Path) -> None:
    graph = load_graph(REPO_ROOT)
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"03": {"KS": [4]}, "6": {"N_BOOT": 10}}), encoding="utf-8")
    assert load_parameters(REPO_ROOT, good, graph) == {
        "03_topic_model_selection": {"KS": [4]},
        "06_narrative_arcs": {"N_BOOT": 10},
    }
    stray = tmp_path / "stray.json"
    stray.write_text(json.dumps({"09": {"X": 1}}), encoding="utf-8")
    with pytest.raises(PipelineError, match=r"names notebooks \['09'\]"):
        load_parameters(REPO_ROOT, stray, graph)
    flat = tmp_path / "flat.json"
    flat.write_text(json.dumps({"KS": [4]}), encoding="utf-8")
    with pytest.raises(PipelineError, match="must be a JSON object of notebook number"):
        load_parameters(REPO_ROOT, flat, graph)
    with pytest.raises(PipelineError, match="cannot read --params"):
        load_parameters(REPO_ROOT, tmp_path / "missing.json", graph)
    typo = tmp_path / "typo.json"
    typo.write_text(json.dumps({"02": {"TOP_N": 5}, "06": {"N_BOTO": 10}}), encoding="utf-8")
    with pytest.raises(PipelineError, match=r"06_narrative_arcs.ipynb: N_BOTO: no such parameter"):
        load_parameters(REPO_ROOT, typo, graph)
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"03": {"KS": "4, 6"}}), encoding="utf-8")
    with pytest.raises(PipelineError, match=r"KS: expects list like \[\d+(, \d+)*\], got str"):
        load_parameters(REPO_ROOT, wrong, graph)


def test_refresh_parameters_name_real_parameters_of_the_right_type() -> None:
    """tests/fixtures/refresh_params.json only sets parameters the cells define, with values
    of their type."""
    values = load_parameters(
        REPO_ROOT, REPO_ROOT / "tests/fixtures/refresh_params.json", load_graph(REPO_ROOT)
    )
    assert values, "refresh_params.json sets no parameters"
    for name, given in values.items():
        path = REPO_ROOT / load_graph(REPO_ROOT).step(name).notebook
        assert parameter_problems(parameters_cell(path), given) == [], name


def test_test_split_hands_out_the_longest_first_then_notebooks_in_dependency_order() -> None:
    spec = importlib.util.spec_from_file_location(
        "tests_conftest", Path(__file__).parent / "conftest.py"
    )
    split = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(split)
    notebooks = split.ordered_notebooks()
    assert notebooks == sorted(notebooks) and len(notebooks) >= 6
    others = [n for n in reversed(notebooks) if n not in split.FIRST]
    units = ["tests/test_segment.py", *others, *reversed(split.FIRST)]
    ranked = sorted(units, key=lambda u: split.unit_rank(u, notebooks))
    assert ranked[: len(split.FIRST)] == list(split.FIRST)
    rest = [u for u in ranked if u not in split.FIRST]
    assert rest == [n for n in notebooks if n not in split.FIRST] + ["tests/test_segment.py"]
    for unit in split.FIRST:  # a renamed file would silently leave the list
        assert (REPO_ROOT / unit).is_file(), unit


def test_a_child_process_executes_the_notebook_and_reports_its_error(tmp_path: Path) -> None:
    """Here (other threads run: BLAS, pytest-xdist) the child is a fresh interpreter; in a
    single-threaded process, as ``python -m dcs_tools.pipeline`` is, it is forked."""
    assert _thread_count() > 1  # numpy's BLAS threads at least
    good = _tiny(tmp_path, "01_good.ipynb", "print(LABEL * N)")
    execute_in_child(good, {"N": 3})
    assert nbformat.read(good, as_version=4).cells[-1].outputs[0].text == "xxx\n"
    bad = _tiny(tmp_path, "02_bad.ipynb", "raise KeyError('gone')")
    with pytest.raises(NotebookError, match=r"02_bad.ipynb: cell 2 .* raised KeyError"):
        execute_in_child(bad)
    forked = _tiny(tmp_path, "03_forked.ipynb", "print(LABEL * N)")
    code = (
        "import sys; from pathlib import Path;"
        "from dcs_tools.notebook_run import _thread_count, execute_in_child;"
        "assert _thread_count() == 1, _thread_count();"
        "execute_in_child(Path(sys.argv[1]), {'N': 2})"
    )
    subprocess.run([sys.executable, "-c", code, str(forked)], check=True)
    assert nbformat.read(forked, as_version=4).cells[-1].outputs[0].text == "xx\n"


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_stopped_notebook_leaves_no_kernel_or_worker_behind(tmp_path: Path) -> None:
    """Stopping a notebook (another failed, or Ctrl-C) ends its kernel and the processes the
    kernel forked (a process pool, as notebook 03's grid has), not only the executor: a
    leftover worker would keep the run's output pipe open and hang whoever reads it."""
    import threading
    import time

    from dcs_tools.notebook_run import NotebookStoppedError

    pids = tmp_path / "pids.txt"
    body = (
        "import multiprocessing, os, time\n"
        "worker = multiprocessing.get_context('fork').Process(target=time.sleep, args=(300,))\n"
        "worker.start()\n"
        f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{worker.pid}}')\n"
        "time.sleep(300)\n"
    )
    slow = _tiny(tmp_path, "01_slow.ipynb", body)
    stop = threading.Event()
    raised: list[BaseException] = []

    def run() -> None:
        try:
            execute_in_child(slow, stop=stop)
        except BaseException as error:  # noqa: BLE001  (recorded for the assertion below)
            raised.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 60
    while not (pids.exists() and pids.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.1)
    kernel, worker = map(int, pids.read_text().split())
    stop.set()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert len(raised) == 1 and isinstance(raised[0], NotebookStoppedError)
    deadline = time.monotonic() + 10
    while (_alive(kernel) or _alive(worker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(kernel), "the kernel outlived the stopped notebook"
    assert not _alive(worker), "a process the kernel forked outlived the stopped notebook"
