"""The dependency graph of the notebooks, declared in ``pipeline.toml``, and content keys.

``pipeline.toml`` (at the project root) declares, for the segmentation step and for
each notebook, its inputs and outputs:

- ``corpus``: raw or segmented corpus folders it reads (every notebook reads the
  segmented corpus; 01 also reads the raw files);
- ``data``: files under ``data/`` it reads, directly or through a helper;
- ``results``: files under ``results/`` that an earlier notebook wrote and it reads;
- ``helpers``: the ``helpers`` modules it imports (the modules those import are
  followed automatically when the key is computed);
- ``outputs``: the files it writes (``results/...``, ``figures/NN_*``; globs allowed).

A notebook depends on another when one of its ``results`` is among the other's
``outputs``; ``tests/test_pipeline.py`` checks, by scanning each notebook's source
and the helpers it imports, that the declaration covers what it really imports and
reads.

A step's *key* is a SHA-256 over the content of everything it reads: its declared
files, the helper modules (closure of imports), ``requirements.txt`` and, for a
notebook, its cell sources and tags (not its outputs) and the parameter values it
runs with. Contents, not modification times: a fresh ``git clone`` or checkout
resets every mtime but leaves the keys as they were.

This module imports only the standard library, so a run with nothing to do is fast.
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

GRAPH_FILE = "pipeline.toml"
ALWAYS_READ = ("requirements.txt",)
"""Files every step reads: the pinned library versions change what the code computes."""
IGNORED_PARTS = frozenset({"__pycache__", ".ipynb_checkpoints"})


@dataclass(frozen=True)
class Step:
    """One step of the pipeline: the segmentation (``corpus``) or a notebook."""

    name: str
    notebook: str | None
    """Path of the notebook relative to the root (None for the segmentation step)."""
    corpus: tuple[str, ...] = ()
    data: tuple[str, ...] = ()
    results: tuple[str, ...] = ()
    helpers: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    command: tuple[str, ...] = ()
    """For a non-notebook step, the command that runs it (from the root)."""


@dataclass
class Graph:
    """The declared steps, in run order (segmentation first, then notebooks by number)."""

    root: Path
    steps: list[Step] = field(default_factory=list)

    @property
    def notebooks(self) -> list[Step]:
        """The notebook steps, in run order."""
        return [s for s in self.steps if s.notebook]

    def step(self, name: str) -> Step:
        """The step called ``name`` (a notebook's stem, e.g. ``03_topic_model_selection``,
        its number ``03`` or ``corpus``)."""
        for s in self.steps:
            if s.name == name or (s.notebook and s.name[:2] == name.zfill(2)):
                return s
        raise KeyError(f"{GRAPH_FILE} declares no step {name!r}")

    def upstream(self, step: Step) -> list[Step]:
        """The steps whose outputs ``step`` reads (its results, or the segmented corpus)."""
        found = []
        for other in self.steps:
            if other is step:
                continue
            reads = list(step.results) + [c.rstrip("/") + "/*" for c in step.corpus]
            if any(_overlaps(r, o) for r in reads for o in other.outputs):
                found.append(other)
        return found

    def downstream(self, names: set[str]) -> set[str]:
        """``names`` and every step that depends on them, directly or not."""
        closed = set(names)
        changed = True
        while changed:
            changed = False
            for s in self.steps:
                if s.name not in closed and any(u.name in closed for u in self.upstream(s)):
                    closed.add(s.name)
                    changed = True
        return closed


def _overlaps(read: str, output: str) -> bool:
    """Whether a declared read (file, folder/ or glob) can name a declared output."""
    read, output = read.rstrip("/"), output.rstrip("/")
    return (
        read == output
        or fnmatch.fnmatch(read, output)
        or fnmatch.fnmatch(output, read)
        or output.startswith(read + "/")
        or read.startswith(output + "/")
    )


def load_graph(root: Path) -> Graph:
    """Read ``pipeline.toml`` under ``root`` (clear errors for a malformed declaration)."""
    path = root / GRAPH_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{path}: cannot read the pipeline declaration: {error}") from None
    known = {"corpus", "data", "results", "helpers", "outputs", "command", "notebook"}
    graph = Graph(root=root)
    for name, spec in raw.get("step", {}).items():
        unknown = sorted(set(spec) - known)
        if unknown:
            raise ValueError(f"{path}: step {name!r} has unknown keys {unknown}")
        for key in ("corpus", "data", "results", "helpers", "outputs", "command"):
            value = spec.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{path}: step {name!r}: {key} must be a list of strings")
        notebook = spec.get("notebook")
        if notebook is None and not spec.get("command"):
            raise ValueError(f"{path}: step {name!r} needs a notebook or a command")
        graph.steps.append(
            Step(
                name=name,
                notebook=notebook,
                **{
                    k: tuple(spec.get(k, []))
                    for k in ("corpus", "data", "results", "helpers", "outputs", "command")
                },
            )
        )
    graph.steps.sort(key=lambda s: (s.notebook is not None, s.notebook or s.name))
    return graph


# ----------------------------------------------------------------------------- files and keys


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expand(root: Path, patterns: tuple[str, ...] | list[str]) -> list[str]:
    """The files (relative paths) that declared patterns name: a file, a folder (every
    file below it) or a glob."""
    found: set[str] = set()
    for pattern in patterns:
        target = root / pattern.rstrip("/")
        if any(ch in pattern for ch in "*?["):
            matches = root.glob(pattern)
        elif target.is_dir():
            matches = target.rglob("*")
        else:
            matches = [target]
        for p in matches:
            if p.is_file() and not IGNORED_PARTS & set(p.relative_to(root).parts):
                found.add(p.relative_to(root).as_posix())
    return sorted(found)


def module_files(root: Path, module: str) -> list[str]:
    """The source file of a ``helpers`` module (a package's ``__init__.py``)."""
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return [candidate.relative_to(root).as_posix()]
    raise ValueError(f"no module {module} under {root}")


def _is_module(root: Path, module: str) -> bool:
    base = root.joinpath(*module.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imported_helpers(
    source: str, root: Path, package: str = "helpers", current: str | None = None
) -> set[str]:
    """The ``helpers`` modules a piece of Python source imports (``from helpers import x``
    counts module ``helpers.x`` when that is a module). ``current``: the module the source
    belongs to, to resolve relative imports (``from .rules import x``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    is_package = (
        current is not None and (root.joinpath(*current.split(".")) / "__init__.py").is_file()
    )
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == package or alias.name.startswith(package + "."):
                    found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                if current is None:
                    continue
                parts = current.split(".")
                keep = len(parts) - node.level + (1 if is_package else 0)
                if keep < 1:
                    continue
                module = ".".join(parts[:keep] + ([module] if module else []))
            if module == package or module.startswith(package + "."):
                found.add(module)
                for alias in node.names:
                    candidate = f"{module}.{alias.name}"
                    if _is_module(root, candidate):
                        found.add(candidate)
    return found


def _parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def helper_closure(root: Path, modules: tuple[str, ...] | list[str] | set[str]) -> list[str]:
    """``modules``, the packages that contain them, and every helper module they import,
    transitively (Python runs a package's ``__init__`` before any module in it)."""
    todo = [m for name in modules for m in (*_parents(name), name)]
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        for rel in module_files(root, module):
            source = (root / rel).read_text(encoding="utf-8")
            for found in imported_helpers(source, root, current=module):
                todo.extend([*_parents(found), found])
    return sorted(seen)


def notebook_cells(path: Path) -> list[dict]:
    """The cells of a notebook (read as JSON: no nbformat import on the fast path)."""
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def code_source(path: Path) -> str:
    """The notebook's code cells, joined (IPython magics and shell lines blanked)."""
    lines = []
    for cell in notebook_cells(path):
        if cell.get("cell_type") == "code":
            for line in _source(cell).splitlines():
                stripped = line.lstrip()
                lines.append("" if stripped.startswith(("%", "!")) else line)
            lines.append("")
    return "\n".join(lines)


def notebook_source_key(path: Path, parameters: dict | None) -> str:
    """SHA-256 of what a notebook runs: cell types, sources and tags (not outputs, not
    execution counts), and the parameter values it runs with.

    An ``injected-parameters`` cell is left out of the sources and its values stand in
    for ``parameters`` when none are given, so a notebook run with ``PARAMS`` and then
    rerun without them (keeping its injected cell) has the same key.
    """
    cells = []
    injected: dict | str = {}
    for cell in notebook_cells(path):
        tags = sorted(cell.get("metadata", {}).get("tags", []))
        if "injected-parameters" in tags:
            injected = _literal_assignments(_source(cell))
            continue
        cells.append([cell.get("cell_type"), _source(cell), tags])
    effective = parameters if parameters else injected
    payload = json.dumps([cells, effective], sort_keys=True, default=repr)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _literal_assignments(source: str) -> dict | str:
    """NAME -> value of an injected-parameters cell, or its text if it is not all literals."""
    try:
        tree = ast.parse(source)
        values = {}
        for stmt in tree.body:
            if not (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
            ):
                return source
            values[stmt.targets[0].id] = ast.literal_eval(stmt.value)
        return values
    except (SyntaxError, ValueError, TypeError):
        return source


def step_inputs(graph: Graph, step: Step) -> list[str]:
    """Every file (relative path) whose content goes into ``step``'s key."""
    root = graph.root
    files = set(expand(root, list(step.corpus) + list(step.data) + list(step.results)))
    files |= {f for f in ALWAYS_READ if (root / f).is_file()}
    for module in helper_closure(root, step.helpers):
        files.update(module_files(root, module))
    return sorted(files)


def step_key(graph: Graph, step: Step, parameters: dict | None = None) -> tuple[str, dict]:
    """(key, {input file: digest}) of a step as the tree under ``graph.root`` stands."""
    digests = {rel: file_digest(graph.root / rel) for rel in step_inputs(graph, step)}
    payload = {"files": digests, "command": list(step.command)}
    if step.notebook:
        payload["notebook"] = notebook_source_key(graph.root / step.notebook, parameters)
    key = hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()
    return key, digests


def output_digests(root: Path, step: Step) -> dict[str, str]:
    """{file: digest} of a step's outputs as they stand (its executed notebook included)."""
    files = expand(root, step.outputs)
    if step.notebook:
        files.append(step.notebook)
    return {rel: file_digest(root / rel) for rel in sorted(set(files)) if (root / rel).is_file()}


def output_matches(step: Step, rel: str) -> bool:
    """Whether the relative path ``rel`` is one of ``step``'s declared outputs."""
    if step.notebook == rel:
        return True
    for pattern in step.outputs:
        p = pattern.rstrip("/")
        if rel == p or fnmatch.fnmatch(rel, p) or rel.startswith(p + "/"):
            return True
    return False


def string_constants(source: str) -> set[str]:
    """The string literals of a piece of Python source, docstrings left out."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    }


def referenced_files(strings: set[str], candidates: list[str]) -> set[str]:
    """The ``candidates`` (relative paths) that a string literal names by file name or
    by a path ending (``"topic_labels.csv"``, ``"results/topics/model_choice.json"``)."""
    found = set()
    for rel in candidates:
        name = rel.rsplit("/", 1)[-1]
        for s in strings:
            if s == name or s.endswith("/" + name) and rel.endswith(s):
                found.add(rel)
                break
    return found


def notebook_reads(root: Path, notebook: Path) -> dict[str, set[str]]:
    """What a notebook's source shows it uses: the helper modules it imports, the
    ``data/`` files named in it or in any helper module it loads, and the ``results/``
    files named in it."""
    code = code_source(notebook)
    direct = imported_helpers(code, root)
    closure = helper_closure(root, direct)
    strings = string_constants(code)
    helper_strings = set()
    for module in closure:
        for rel in module_files(root, module):
            helper_strings |= string_constants((root / rel).read_text(encoding="utf-8"))
    data_files = expand(root, ["data"])
    results_files = expand(root, ["results"])
    return {
        "helpers": direct,
        "data": referenced_files(strings | helper_strings, data_files),
        "results": referenced_files(strings, results_files),
    }
