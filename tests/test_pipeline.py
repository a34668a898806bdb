"""The pipeline behind ``make corpus``/``notebooks``/``report`` (dcs_tools/pipeline.py,
dcs_tools/graph.py, pipeline.toml).

- ``pipeline.toml`` covers what every notebook really imports and reads (by scanning the
  notebook's code and the helpers it imports), and orders the notebooks after what they read.
- On a small project made here (three tiny notebooks, a kernel start each): an unchanged
  run does nothing; changing one input reruns that notebook and those downstream; a failed
  or killed run, or a notebook writing an undeclared file, promotes nothing; ``check``
  refuses a mixed state; an interrupted promotion is finished by the next run.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from dcs_tools import pipeline
from dcs_tools.graph import (
    expand,
    helper_closure,
    load_graph,
    notebook_reads,
    output_matches,
    step_inputs,
)
from helpers.paths import REPO_ROOT

SAVE_CALL = re.compile(r"save_figure\(\s*[\w.]+\s*,\s*(?:name\s*=\s*)?[\"']([^\"'{}]+)[\"']")


# ----------------------------------------------------------------------------- the real graph


def test_every_notebook_is_declared_in_order() -> None:
    graph = load_graph(REPO_ROOT)
    on_disk = sorted(
        p.relative_to(REPO_ROOT).as_posix() for p in REPO_ROOT.glob("notebooks/[0-9][0-9]_*.ipynb")
    )
    assert [s.notebook for s in graph.notebooks] == on_disk
    for position, step in enumerate(graph.notebooks):
        for up in graph.upstream(step):
            if up.notebook:  # every notebook runs after those it reads from
                assert graph.notebooks.index(up) < position, (step.name, up.name)
        for rel in expand(REPO_ROOT, list(step.data) + list(step.results)):
            assert (REPO_ROOT / rel).is_file(), f"{step.name}: declared input {rel} missing"


@pytest.mark.parametrize("name", [s.name for s in load_graph(REPO_ROOT).notebooks])
def test_declaration_covers_what_the_notebook_imports_and_reads(name: str) -> None:
    """Scan the notebook's code and every helper module it loads: each helper module it
    imports, each data/ file named there and each results/ file named in the notebook must
    be declared (the missing entries are named)."""
    graph = load_graph(REPO_ROOT)
    step = graph.step(name)
    found = notebook_reads(REPO_ROOT, REPO_ROOT / step.notebook)
    missing_helpers = sorted(found["helpers"] - set(step.helpers))
    assert not missing_helpers, f"{name}: add to helpers = {missing_helpers}"
    declared_data = set(expand(REPO_ROOT, step.data))
    missing_data = sorted(found["data"] - declared_data)
    assert not missing_data, f"{name}: add to data = {missing_data}"
    for rel in sorted(found["results"]):
        assert output_matches(step, rel) or rel in expand(REPO_ROOT, step.results), (
            f"{name}: names {rel}, which is neither among its outputs nor its results inputs"
        )
    for rel in step.results:  # each results input is written by a declared upstream step
        assert any(output_matches(up, rel) for up in graph.upstream(step)), (name, rel)
    code = "\n".join(
        c.source
        for c in nbformat.read(REPO_ROOT / step.notebook, as_version=4).cells
        if c.cell_type == "code"
    )
    for figure in SAVE_CALL.findall(code):
        assert output_matches(step, f"figures/{figure}.png"), f"{name}: figure {figure}"


def test_the_committed_notebooks_results_and_figures_are_one_complete_run() -> None:
    """What ``make report`` checks: every step's record in results/pipeline_state.json
    matches the committed files (after changing a notebook or its inputs, run make all)."""
    assert pipeline.check(REPO_ROOT) == []


def test_key_follows_imports_of_imports() -> None:
    """A notebook's key covers the helper modules its helpers import, not only its own."""
    graph = load_graph(REPO_ROOT)
    closure = helper_closure(REPO_ROOT, ["helpers.text_prep"])
    assert {"helpers", "helpers.paths", "helpers.text_prep"} <= set(closure)
    step = graph.step("03")
    assert "helpers/paths.py" in step_inputs(graph, step)
    assert "requirements.txt" in step_inputs(graph, step)


def test_topic_chain_and_partial_reruns_follow_from_the_declarations() -> None:
    graph = load_graph(REPO_ROOT)
    names = [s.name for s in graph.notebooks]
    chain = graph.downstream({graph.step("03").name})
    assert sorted(chain) == [graph.step(n).name for n in ("03", "04", "06")]
    # a corpus change reaches every notebook
    assert graph.downstream({"corpus"}) >= set(names)
    # a file only the narrative notebooks read reruns fewer than all notebooks
    readers = {
        s.name for s in graph.notebooks if "data/valence_overrides.csv" in step_inputs(graph, s)
    }
    assert readers and graph.downstream(readers) < set(names)


# ----------------------------------------------------------------------------- a tiny project

PYPROJECT = '[project]\nname = "dcs-voices"\nversion = "0"\n'
TOML = """
[step.corpus]
command = ["python", "-c", "print('segmenting')"]
corpus = ["corpus/raw/"]
outputs = ["corpus/segmented/"]

[step.01_a]
notebook = "notebooks/01_a.ipynb"
corpus = ["corpus/segmented/"]
data = ["data/a.txt"]
outputs = ["results/one.txt", "figures/01_*"]

[step.02_b]
notebook = "notebooks/02_b.ipynb"
corpus = ["corpus/segmented/"]
results = ["results/one.txt"]
outputs = ["results/two.txt"]

[step.03_c]
notebook = "notebooks/03_c.ipynb"
corpus = ["corpus/segmented/"]
data = ["data/c.txt"]
outputs = ["results/three.txt"]
"""
ROOT_CELL = (
    "import os, time\nfrom pathlib import Path\nROOT = Path(os.environ['DCS_VOICES_ROOT'])\n"
    "for folder in ('results', 'figures'):\n    (ROOT / folder).mkdir(exist_ok=True)"
)
BODIES = {
    "01_a": (
        "text = (ROOT / 'data/a.txt').read_text()\n"
        "(ROOT / 'results/one.txt').write_text(text.upper())\n"
        "(ROOT / 'figures/01_fig.png').write_text('png of ' + text)\n"
        "print('one:', text)"
    ),
    "02_b": (
        "one = (ROOT / 'results/one.txt').read_text()\n"
        "if one.startswith('SLOW'):\n    time.sleep(120)\n"
        "(ROOT / 'results/two.txt').write_text(one + '!')\nprint('two:', one)"
    ),
    "03_c": (
        "text = (ROOT / 'data/c.txt').read_text()\n"
        "assert text != 'fail', 'asked to fail'\n"
        "if text == 'stray':\n    (ROOT / 'results/stray.txt').write_text('x')\n"
        "(ROOT / 'results/three.txt').write_text(text * 2)\nprint('three:', text)"
    ),
}


def _project(root: Path) -> Path:
    for folder in (
        "corpus/raw",
        "corpus/segmented",
        "helpers",
        "data",
        "notebooks",
        "results",
        "figures",
    ):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "helpers/__init__.py").write_text("", encoding="utf-8")
    (root / "helpers/paths.py").write_bytes((REPO_ROOT / "helpers/paths.py").read_bytes())
    (root / "pipeline.toml").write_text(TOML, encoding="utf-8")
    (root / "corpus/raw/x.txt").write_text("raw", encoding="utf-8")
    (root / "corpus/segmented/posts.csv").write_text("doc_id\n1\n", encoding="utf-8")
    (root / "data/a.txt").write_text("alpha", encoding="utf-8")
    (root / "data/c.txt").write_text("gamma", encoding="utf-8")
    (root / ".gitignore").write_text("build/\n", encoding="utf-8")
    for name, body in BODIES.items():
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nb.cells = [
            nbformat.v4.new_code_cell("N = 1", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(ROOT_CELL),
            nbformat.v4.new_code_cell(body),
        ]
        nbformat.write(nb, root / "notebooks" / f"{name}.ipynb")
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "build" not in p.relative_to(root).parts
    }


def _planned(root: Path) -> list[str]:
    return [s.name for s, _ in pipeline.plan(load_graph(root), pipeline.load_state(root))]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny project after its first complete run."""
    root = _project(tmp_path_factory.mktemp("tiny"))
    assert pipeline.run_corpus(root) == 0
    assert pipeline.run_notebooks(root) == 0
    return root


def test_first_run_promotes_everything_and_a_rerun_does_nothing(
    project: Path, capsys: pytest.CaptureFixture
) -> None:
    assert (project / "results/two.txt").read_text() == "ALPHA!"
    assert (project / "figures/01_fig.png").read_text() == "png of alpha"
    nb = nbformat.read(project / "notebooks/02_b.ipynb", as_version=4)
    assert nb.cells[2].outputs[0].text == "two: ALPHA\n"
    assert pipeline.check(project) == []
    before = _snapshot(project)
    capsys.readouterr()
    assert pipeline.run_corpus(project) == 0 and pipeline.run_notebooks(project) == 0
    assert "all 3 up to date; nothing to run" in capsys.readouterr().out
    assert _snapshot(project) == before


def test_a_changed_input_reruns_its_notebook_and_those_downstream(project: Path) -> None:
    data = project / "data/a.txt"
    original = data.read_text()
    try:
        data.write_text("beta")
        assert _planned(project) == ["01_a", "02_b"]
        assert any("inputs changed: data/a.txt" in p for p in pipeline.check(project))
        (project / "data/c.txt").write_text("gamma")  # same content: not a change
        assert _planned(project) == ["01_a", "02_b"]
        data.write_text(original)
        assert _planned(project) == []
        # an edited cell source is a change too; outputs and execution counts are not
        path = project / "notebooks/03_c.ipynb"
        saved = path.read_bytes()
        nb = nbformat.read(path, as_version=4)
        nb.cells[2].outputs = []
        nbformat.write(nb, path)
        assert _planned(project) == ["03_c"]  # its outputs are not what the run left
        nb.cells[2].source += "\n"
        nbformat.write(nb, path)
        graph = load_graph(project)
        reasons = pipeline.stale_reasons(graph, graph.step("03"), pipeline.load_state(project))
        assert "its cell sources or parameter values changed" in reasons
        path.write_bytes(saved)
        assert _planned(project) == []
    finally:
        data.write_text(original)


def test_a_corpus_change_reruns_everything(project: Path) -> None:
    posts = project / "corpus/segmented/posts.csv"
    original = posts.read_text()
    try:
        posts.write_text(original + "2\n")
        assert _planned(project) == ["01_a", "02_b", "03_c"]
    finally:
        posts.write_text(original)
    assert _planned(project) == []


def test_a_failed_run_promotes_nothing(project: Path, capsys: pytest.CaptureFixture) -> None:
    before = _snapshot(project)
    (project / "data/a.txt").write_text("delta")  # 01 and 02 will succeed ...
    (project / "data/c.txt").write_text("fail")  # ... 03 fails
    try:
        capsys.readouterr()
        assert pipeline.run_notebooks(project) == 1
        err = capsys.readouterr().err
        assert "03_c.ipynb: cell 2" in err and "AssertionError: asked to fail" in err
        assert "Nothing was promoted" in err
        after = _snapshot(project)
        changed = sorted(k for k in after if after[k] != before.get(k))
        assert changed == ["data/a.txt", "data/c.txt"]  # only what the test itself wrote
        staged = project / "build/stage/results/one.txt"
        assert staged.read_text() == "DELTA"  # 01 did run, in the staging area
    finally:
        (project / "data/a.txt").write_text("alpha")
        (project / "data/c.txt").write_text("gamma")
    assert pipeline.check(project) == []  # the previous state is complete and intact


def test_an_undeclared_output_stops_the_promotion(
    project: Path, capsys: pytest.CaptureFixture
) -> None:
    before = _snapshot(project)
    (project / "data/c.txt").write_text("stray")
    try:
        assert pipeline.run_notebooks(project) == 1
        err = capsys.readouterr().err
        assert "does not declare" in err and "results/stray.txt" in err
        assert not (project / "results/stray.txt").exists()
        assert (project / "results/three.txt").read_bytes() == before["results/three.txt"]
    finally:
        (project / "data/c.txt").write_text("gamma")


def test_check_refuses_a_mixed_state_and_a_killed_promotion_is_finished(project: Path) -> None:
    two = project / "results/two.txt"
    saved = two.read_bytes()
    two.write_text("edited by hand")
    problems = pipeline.check(project)
    assert problems == ["02_b: outputs are not what its last run left: results/two.txt"]
    proc = subprocess.run(
        [sys.executable, "-m", "dcs_tools.pipeline", "check"],
        cwd=project / "notebooks",  # found from the working directory, like a kernel
        env={k: v for k, v in os.environ.items() if k != "DCS_VOICES_ROOT"},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and "results/two.txt" in proc.stderr
    two.write_bytes(saved)
    assert pipeline.check(project) == []
    # a promotion interrupted after its journal was written: check says so, a run finishes it
    stage = project / pipeline.STAGE_DIR
    (stage / "results").mkdir(parents=True, exist_ok=True)
    (stage / "results/two.txt").write_bytes(saved)
    state = pipeline.load_state(project)
    journal = {"copy": ["results/two.txt"], "delete": [], "state": pipeline.state_text(state)}
    (stage / pipeline.JOURNAL).write_text(json.dumps(journal), encoding="utf-8")
    two.write_text("half promoted")
    assert any("promotion was interrupted" in p for p in pipeline.check(project))
    assert pipeline.run_notebooks(project) == 0
    assert two.read_bytes() == saved and pipeline.check(project) == []


def test_parameters_are_checked_for_every_notebook_before_any_runs(
    project: Path, tmp_path: Path
) -> None:
    params = tmp_path / "params.json"
    params.write_text(json.dumps({"01": {"N": 2}, "03": {"N": "two", "M": 1}}), encoding="utf-8")
    before = _snapshot(project)
    with pytest.raises(pipeline.PipelineError) as caught:
        pipeline.run_notebooks(project, params, force=True)
    message = str(caught.value)
    assert "03_c.ipynb: N: expects int like 1, got str 'two'" in message
    assert "03_c.ipynb: M: no such parameter" in message
    assert _snapshot(project) == before


def _start(root: Path, jobs: int = 1) -> subprocess.Popen:
    """``python -m dcs_tools.pipeline notebooks`` in its own process group, once notebook
    02 is running (its output line ends only when the notebook ends)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "dcs_tools.pipeline", "notebooks", "--jobs", str(jobs)],
        cwd=root,
        env={**os.environ, "DCS_VOICES_ROOT": str(root)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    seen = ""
    deadline = time.monotonic() + 120
    while "executing 02_b" not in seen and time.monotonic() < deadline:
        chunk = os.read(proc.stdout.fileno(), 1024)
        if not chunk:
            break
        seen += chunk.decode()
    assert "executing 02_b" in seen, seen
    time.sleep(1.0)  # 02 is now sleeping inside its kernel
    return proc


def _stop(proc: subprocess.Popen) -> None:
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise


def test_killing_a_run_leaves_git_status_empty(project: Path) -> None:
    """Interrupt a run while notebook 02 runs: Ctrl-C (SIGINT to the whole process group),
    then SIGTERM to the runner alone. Nothing of the project changes either time."""
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / "data/a.txt").write_text("SLOW", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=project, check=True)

    def status() -> str:
        return subprocess.run(
            ["git", "status", "--porcelain"],
            cwd=project,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert status() == ""
    proc = _start(project)
    os.killpg(proc.pid, signal.SIGINT)
    _stop(proc)
    assert proc.returncode != 0 and status() == ""
    proc = _start(project)
    os.kill(proc.pid, signal.SIGTERM)
    _stop(proc)
    assert proc.returncode != 0 and status() == ""
    # the same with two notebooks at once (02 and 03 running together)
    proc = _start(project, jobs=2)
    os.kill(proc.pid, signal.SIGTERM)
    _stop(proc)
    assert proc.returncode != 0 and status() == ""
    assert any("inputs changed: data/a.txt" in p for p in pipeline.check(project))


def test_the_scan_names_what_a_notebook_reads_but_does_not_declare(tmp_path: Path) -> None:
    root = _project(tmp_path / "scanned")
    (root / "results/one.txt").write_text("ONE", encoding="utf-8")
    path = root / "notebooks/03_c.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[2].source = (
        "from helpers.paths import DATA_DIR, RESULTS_DIR\n"
        "a = (DATA_DIR / 'a.txt').read_text()\n"
        "one = (RESULTS_DIR / 'one.txt').read_text()\n"
        "%time print(a)"
    )
    nbformat.write(nb, path)
    found = notebook_reads(root, path)
    assert found == {
        "helpers": {"helpers.paths"},
        "data": {"data/a.txt"},
        "results": {"results/one.txt"},
    }
    assert pipeline.scan(root) == [
        "03_c: add to helpers: helpers.paths",
        "03_c: add to data: data/a.txt",
        "03_c: add to results or outputs: results/one.txt",
    ]
    assert pipeline.scan(REPO_ROOT) == []


def test_notebooks_at_once_give_the_same_project_and_respect_the_order(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    one = project  # run one notebook at a time (the module's fixture)
    two = _project(tmp_path / "two")
    capsys.readouterr()
    assert pipeline.run_corpus(two) == 0
    assert pipeline.run_notebooks(two, jobs=2) == 0
    out = capsys.readouterr().out
    # 02 reads what 01 writes: it starts only after 01 is done (a fresh project has no
    # results/one.txt, so starting it earlier would fail)
    assert out.index("01_a: done") < out.index("executing 02_b")

    # what the notebooks wrote (notebooks carry timestamps; the state record, paths)
    def written(root: Path) -> dict[str, bytes]:
        snap = _snapshot(root)
        return {
            k: v
            for k, v in snap.items()
            if k.startswith(("results/", "figures/")) and k != pipeline.STATE_FILE
        }

    assert written(one) == written(two) and written(two)
    assert pipeline.check(two) == []


def test_a_failure_among_notebooks_at_once_promotes_nothing(
    project: Path, capsys: pytest.CaptureFixture
) -> None:
    before = _snapshot(project)
    (project / "data/a.txt").write_text("delta")
    (project / "data/c.txt").write_text("fail")
    try:
        capsys.readouterr()
        assert pipeline.run_notebooks(project, jobs=2) == 1
        captured = capsys.readouterr()
        assert "AssertionError: asked to fail" in captured.err
        assert "Nothing was promoted" in captured.err
        after = _snapshot(project)
        assert sorted(k for k in after if after[k] != before.get(k)) == ["data/a.txt", "data/c.txt"]
    finally:
        (project / "data/a.txt").write_text("alpha")
        (project / "data/c.txt").write_text("gamma")
    assert pipeline.check(project) == []


def test_the_notebook_others_wait_for_starts_first(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """With two slots and the real graph, 03 (04 and 06 wait for it) starts before 02 and
    05, although it comes later in the plan."""
    import threading

    from dcs_tools import notebook_run

    graph = load_graph(REPO_ROOT)
    todo = [(s, "forced") for s in graph.notebooks if s.name[:2] in ("02", "03", "04", "05")]
    started: list[str] = []
    lock = threading.Lock()

    def fake(path: Path, parameters: dict, root: Path, stop: object = None) -> None:
        with lock:
            started.append(path.stem)
        time.sleep(0.05)

    monkeypatch.setattr(notebook_run, "execute_in_child", fake)
    assert pipeline._execute_parallel(graph, todo, Path("/nonexistent"), {}, jobs=2) is None
    assert started[0].startswith("03") and started[1].startswith("02")
    assert started.index(next(n for n in started if n.startswith("04"))) > started.index(started[0])
    assert sorted(n[:2] for n in started) == ["02", "03", "04", "05"]
