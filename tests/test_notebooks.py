"""The teaching notebooks: stored without outputs, and each one runs top to bottom on a real Jupyter kernel.

Every notebook ``assert``s the numeric claims its text makes, so executing it
is the test; a widget's callback that raises (its output lands in the widget
state, not in the cell) fails it too. The kernel is this interpreter (``sys.executable``): a kernelspec
named ``python3`` is written to a temporary directory put first on
``JUPYTER_PATH``, so a ``python3`` kernelspec of another Python on the machine
cannot be picked up instead.
"""

import json
import os
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason='the notebooks extra: pip install "gantheory[test]"')

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CHAPTERS = ("01_", "02_", "03_", "04_", "05_", "06_", "07_", "08_", "09_")
# Each executed chapter is kept here (git-ignored): the documentation site (docs/) shows these runs instead of running them again.
EXECUTED_DIR = Path(
    os.environ.get("GANTHEORY_EXECUTED_NOTEBOOKS", NOTEBOOK_DIR.parent / "build" / "executed-notebooks")
)

# Per-cell limit; the whole notebook must stay far below it (about 10 s each on a free core).
CELL_TIMEOUT_S = 120


def test_one_notebook_per_chapter():
    names = [path.name for path in NOTEBOOKS]
    assert [name[:3] for name in names] == list(CHAPTERS), (
        f"expected one notebook per chapter {CHAPTERS}, found {names}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"{path.name}: code cells {dirty} hold outputs or execution counts; clear them before committing"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory):
    """JUPYTER_PATH with a ``python3`` kernelspec that runs this interpreter, for the duration of the module.

    The kernel inherits this process's environment, so the variables set here reach it too.
    """
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    root = tmp_path_factory.mktemp("jupyter")
    spec_dir = root / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (tests)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    old = {
        key: os.environ.get(key)
        for key in ("JUPYTER_PATH", "MPLBACKEND", "HYPOTHESIS_STORAGE_DIRECTORY", "GANTHEORY_STATIC")
    }
    os.environ["GANTHEORY_STATIC"] = "1"  # chapter 3's live lab is skipped (no front end): its static figure stands
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(root), old["JUPYTER_PATH"]]))
    os.environ["MPLBACKEND"] = "Agg"
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(
        root / "hypothesis"
    )  # chapter 1's property tests write nothing into notebooks/
    yield
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_kernelspec_is_this_interpreter(kernel_env):
    from jupyter_client.kernelspec import KernelSpecManager

    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == sys.executable


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path, kernel_env, tmp_path):
    from jupyter_client import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    # IPC sockets in a temporary folder instead of TCP ports: no race for free ports between
    # kernels started one after another (seen here as a notebook stalling two minutes now and then).
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel"))
    client = NotebookClient(
        nb, km=km, timeout=CELL_TIMEOUT_S, startup_timeout=120, resources={"metadata": {"path": str(NOTEBOOK_DIR)}}
    )
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as exc:  # the failing cell, its traceback and the assertion that failed
        pytest.fail(f"{path.name} failed:\n{exc}", pytrace=False)
    elapsed = time.perf_counter() - start
    widget_errors = [
        out
        for state in nb.metadata.get("widgets", {})
        .get("application/vnd.jupyter.widget-state+json", {})
        .get("state", {})
        .values()
        for out in state.get("state", {}).get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not widget_errors, f"{path.name}: a widget's callback raised: " + "; ".join(
        f"{e['ename']}: {e['evalue']}" for e in widget_errors
    )
    warnings = [
        out.text
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "stream" and out.name == "stderr" and "RuntimeWarning" in out.text
    ]
    assert not warnings, f"{path.name} emitted RuntimeWarnings:\n" + "\n".join(warnings)
    EXECUTED_DIR.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, EXECUTED_DIR / path.name)
    print(f"{path.name}: {elapsed:.1f} s")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_ends_with_exercises_whose_hidden_solutions_assert(path):
    """The exercises convention: a "## Exercises" cell, then per exercise a "### Exercise <chapter>.<k>: <title>" cell and
    ONE code cell tagged "solution", hidden in Jupyter, that asserts its answer; at least two, and nothing after them."""
    import re

    nb = nbformat.read(path, as_version=4)
    chapter = int(path.name[:2])
    heads = [
        i for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown" and cell.source.strip() == "## Exercises"
    ]
    assert len(heads) == 1, f"{path.name}: needs exactly one markdown cell '## Exercises' (found {len(heads)})"
    rest = nb.cells[heads[0] + 1 :]
    assert len(rest) >= 4 and len(rest) % 2 == 0, (
        f"{path.name}: after '## Exercises' expected pairs of (exercise, solution) cells, at least two, found {len(rest)} cells"
    )
    for k, (task, sol) in enumerate(zip(rest[::2], rest[1::2]), start=1):
        where = f"{path.name}, exercise {chapter}.{k}"
        assert task.cell_type == "markdown" and re.match(rf"### Exercise {chapter}\.{k}: \S", task.source), (
            f"{where}: the cell should start '### Exercise {chapter}.{k}: <title>', got {task.source[:60]!r}"
        )
        assert sol.cell_type == "code", f"{where}: the cell after the task must be the solution's code cell"
        assert "solution" in sol.metadata.get("tags", []), f'{where}: tag the solution cell "solution" (metadata tags)'
        assert sol.metadata.get("jupyter", {}).get("source_hidden") is True, (
            f"{where}: hide the solution (metadata jupyter.source_hidden)"
        )
        assert sol.source.startswith("# Solution (hidden in Jupyter: click to expand)"), (
            f"{where}: start the solution with its comment line"
        )
        assert re.search(r"^\s*assert\b", sol.source, flags=re.MULTILINE), (
            f"{where}: the solution must assert its answer"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_markdown_math_is_well_formed(path):
    """Math in the markdown renders as written: ``$`` signs pair up outside code, and no math holds ``\\\\`` before a
    letter (a doubled backslash, ``$\\\\ell$`` in the cell's text, typesets as a line break followed by "ell")."""
    import re

    nb = nbformat.read(path, as_version=4)
    problems = []
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        text = re.sub(r"```.*?```", "", cell.source, flags=re.S)  # fenced code
        text = re.sub(r"`[^`\n]*`", "", text)  # inline code
        text = text.replace(r"\$", "")  # an escaped dollar is text
        dollars = len(re.findall(r"(?<!\$)\$\$(?!\$)", text)) * 2 + len(re.findall(r"(?<!\$)\$(?!\$)", text))
        if dollars % 2:
            problems.append(f"cell {k}: an odd number of $ signs ({dollars})")
        for math in re.findall(r"\$\$(.+?)\$\$|\$([^$]+)\$", text, flags=re.S):
            body = math[0] or math[1]
            if re.search(r"(?<!\\)\\\\[A-Za-z]", body):
                problems.append(f"cell {k}: a doubled backslash before a letter in ${body}$")
    assert not problems, f"{path.name}: " + "; ".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_has_a_readers_path(path):
    """A first-time reader's path: the title cell (or the cell after it) opens in plain language with a "You will
    learn" list, and a "## Key points" cell comes right before "## Exercises"."""
    import re

    nb = nbformat.read(path, as_version=4)
    markdown = [cell.source for cell in nb.cells if cell.cell_type == "markdown"]
    opening = "\n".join(markdown[:2])
    assert "**You will learn**" in opening, f"{path.name}: the opening has no '**You will learn**' list"
    learn = opening.split("**You will learn**", 1)[1]
    assert sum(bool(re.match(r"\s*(\*|-|\d+\.)\s", line)) for line in learn.splitlines()) >= 3, (
        f"{path.name}: 'You will learn' lists fewer than three points"
    )
    heads = [source.strip().splitlines()[0] if source.strip() else "" for source in markdown]
    exercises = heads.index("## Exercises")
    assert heads[exercises - 1] == "## Key points", (
        f"{path.name}: '## Key points' must come right before '## Exercises'"
    )
