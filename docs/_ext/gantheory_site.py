"""What the gantheory site generates before Sphinx reads its sources (a local Sphinx extension).

* **The course**: each ``notebooks/*.ipynb`` becomes ``docs/chapters/<name>.ipynb`` *with its outputs*,
  taken from the executed copy that the test run writes (``build/executed-notebooks/``, see
  ``EXECUTED_DIR``) when that copy is fresh, otherwise executed here on a Jupyter kernel of this
  interpreter and kept in ``docs/_build/.site_cache/`` under a hash of the notebook and of the
  library's sources (a rebuild with nothing changed executes nothing). myst-nb then renders it with
  execution off. A notebook that fails to execute fails the build. In the copy: a note linking the
  stored notebook for download, solution cells collapsed (``hide-input``), and widgets, which need a
  live kernel, removed (each chapter draws the static figure before its controls).
* **The reference**: one page per public module (``docs/api/modules/``), listing the module's
  ``__all__`` with autosummary; a public function or class without a docstring is a warning, so
  ``sphinx -W`` fails on it.
* **The tour's report**: ``figures/report.txt`` when the tour wrote one there, otherwise
  ``gantheory.tour.tour_report(quick=True)`` computed here (cached like the notebooks).
* **MathJax**: a copy of MathJax 3 taken from the npm registry (``npm pack``), unpacked into
  ``docs/_build/.site_cache/`` and served from the site's ``_static/mathjax/``: the pages load no CDN.

Everything generated here is git-ignored. Environment: ``GANTHEORY_DOCS_JOBS`` (kernels run at once,
default 2), ``GANTHEORY_EXECUTED_NOTEBOOKS`` (the folder of executed copies), ``GANTHEORY_MATHJAX``
(a folder holding ``tex-chtml.js`` to use instead of fetching one).
"""

from __future__ import annotations

import concurrent.futures
import copy
import hashlib
import importlib
import inspect
import json
import os
import pkgutil
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent
ROOT = DOCS.parent
NOTEBOOKS = ROOT / "notebooks"
CHAPTERS = DOCS / "chapters"
API = DOCS / "api" / "modules"
CACHE = DOCS / "_build" / ".site_cache"
EXECUTED_DIR = Path(os.environ.get("GANTHEORY_EXECUTED_NOTEBOOKS", ROOT / "build" / "executed-notebooks"))
MATHJAX_VERSION = "3.2.2"
MATHJAX_PARTS = ("tex-chtml.js", "input", "output", "ui", "a11y", "adaptors")  # what tex-chtml.js loads on demand
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
CELL_TIMEOUT_S = 300

# The reference: (package or module, title of its group). A package lists its public submodules (found on disk,
# so a new module appears without an edit here); a module stands for itself.
GROUPS = {
    "gantheory.divergences": "Divergences",
    "gantheory.distributions": "Distributions",
    "gantheory.autograd": "Autograd",
    "gantheory.gan": "GAN",
    "gantheory.mle": "Maximum likelihood",
    "gantheory.symbolic": "Symbolic derivations",
    "gantheory.plotting": "Plotting",
    "gantheory.strategies": "Hypothesis strategies",
    "gantheory.backend": "Backend",
    "gantheory.tour": "The tour",
}


def _log():
    from sphinx.util import logging

    return logging.getLogger("gantheory_site")


def _write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` unless the file already holds it (an unchanged file keeps its mtime: no re-read)."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def library_hash() -> str:
    """A hash of the library's sources: cached outputs computed with other sources are stale."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "gantheory").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# -- the reference --------------------------------------------------------------------------------------------------------


def public_modules() -> dict[str, list[str]]:
    """``{group title: [module names]}``: each group's public modules (no leading underscore), packages expanded."""
    groups = {}
    for name, title in GROUPS.items():
        module = importlib.import_module(name)
        if hasattr(module, "__path__"):
            subs = [
                f"{name}.{info.name}" for info in pkgutil.iter_modules(module.__path__) if not info.name.startswith("_")
            ]
            groups[title] = [name] + sorted(subs)
        else:
            groups[title] = [name]
    return groups


def public_names(module) -> list[str]:
    """The names a module documents: its ``__all__`` (less submodules and names defined in another module: re-exports
    are documented where they are defined), then the public functions and classes it defines that ``__all__`` leaves
    out (no leading underscore: public all the same; :func:`unlisted_names` lists them)."""
    own = [
        n
        for n, obj in vars(module).items()
        if not n.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == module.__name__
    ]
    names = list(getattr(module, "__all__", own))
    keep = []
    for n in names + [n for n in own if n not in names]:
        if not hasattr(module, n):
            continue  # write_api_pages reports it
        obj = getattr(module, n)
        if inspect.ismodule(obj):
            continue
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and getattr(
            obj, "__module__", module.__name__
        ) != module.__name__:
            continue
        keep.append(n)
    return keep


def package_names(package) -> list[str]:
    """The names of a package's ``__all__`` that no public module documents: the functions and classes whose
    ``__module__`` is the package (set there for those of a private module), and the data no public submodule lists."""
    subs = [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    ]
    keep = []
    for n in getattr(package, "__all__", []):
        obj = getattr(package, n, None)
        if obj is None or inspect.ismodule(obj):
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
            if obj.__module__ == package.__name__:
                keep.append(n)
        elif not any(n in public_names(sub) for sub in subs):
            keep.append(n)
    return keep


def unlisted_names(module) -> list[str]:
    """Public functions and classes a module defines but leaves out of its ``__all__``."""
    listed = set(getattr(module, "__all__", ()))
    return [n for n in public_names(module) if n not in listed] if hasattr(module, "__all__") else []


def write_api_pages() -> list[str]:
    """One page per public module under docs/api/modules/; return the problems (public names without a docstring)."""
    problems, pages, documented = [], {}, set()
    for modules in public_modules().values():
        for name in modules:
            module = importlib.import_module(name)
            # a package's page is its docstring; its names are documented in the modules that define them, but for
            # those of its private modules (gantheory.plotting's house style, from plotting/_style.py)
            names = package_names(module) if hasattr(module, "__path__") else public_names(module)
            for n in getattr(module, "__all__", []):
                if not hasattr(module, n):
                    problems.append(f"{name}.__all__ names {n!r}, which the module does not define")
            if names and unlisted_names(module):
                _log().info(f"{name}: documented although not in __all__: {', '.join(unlisted_names(module))}")
            for n in names:
                obj = getattr(module, n)
                if (inspect.isfunction(obj) or inspect.isclass(obj)) and not inspect.getdoc(obj):
                    problems.append(f"{name}.{n} is public (in __all__) but has no docstring")
            heading = f"``{name}``"
            lines = [
                f".. _api-{name}:",
                "",
                heading,
                "=" * len(heading),
                "",
                f".. automodule:: {name}",
                "   :no-members:",
                "",
            ]
            if names:
                lines += [
                    ".. currentmodule:: " + name,
                    "",
                    ".. autosummary::",
                    "   :toctree: generated/",
                    "   :nosignatures:",
                    "",
                ]
                lines += [f"   {n}" for n in names] + [""]
            pages[name] = "\n".join(lines)
            documented.update(f"{name}.{n}" for n in names)
    API.mkdir(parents=True, exist_ok=True)
    for stale in API.glob("*.rst"):
        if stale.stem not in pages:
            stale.unlink()
    for name, text in pages.items():
        _write_if_changed(API / f"{name}.rst", text)
    for stub in (API / "generated").glob("*.rst"):  # autosummary's pages of names that are gone
        if stub.stem not in documented:
            stub.unlink()
    return problems


# -- the course -----------------------------------------------------------------------------------------------------------


def _sources(nb: dict) -> list[tuple[str, str]]:
    return [
        (c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"]) for c in nb["cells"]
    ]


def _notebook_hash(path: Path, lib: str) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return hashlib.sha256(json.dumps([_sources(nb), lib]).encode()).hexdigest()[:16]


def _fresh_executed_copy(path: Path) -> dict | None:
    """The test run's executed copy of ``path`` if it has the same cells and is newer than the library's sources."""
    copy_path = EXECUTED_DIR / path.name
    if not copy_path.exists():
        return None
    executed = json.loads(copy_path.read_text(encoding="utf-8"))
    stored = json.loads(path.read_text(encoding="utf-8"))
    newest_source = max(p.stat().st_mtime for p in (ROOT / "gantheory").rglob("*.py"))
    if _sources(executed) != _sources(stored) or copy_path.stat().st_mtime < newest_source:
        return None
    if not all(c.get("execution_count") for c in executed["cells"] if c["cell_type"] == "code" and c["source"]):
        return None  # not every cell ran
    return executed


def execute_notebook(path: str, out: str) -> tuple[str, float, str | None]:
    """Execute the notebook ``path`` on a kernel of this interpreter; write it with its outputs to ``out``.

    Runs in a worker process. Returns ``(path, seconds, error or None)``.
    """
    import nbformat
    from jupyter_client import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as root:
        spec_dir = Path(root, "kernels", "python3")
        spec_dir.mkdir(parents=True)
        spec = {
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (docs)",
            "language": "python",
        }
        (spec_dir / "kernel.json").write_text(json.dumps(spec))
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [root, os.environ.get("JUPYTER_PATH")]))
        os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(Path(root, "hypothesis"))  # nothing written into notebooks/
        os.environ.setdefault("HYPOTHESIS_PROFILE", "ci")
        os.environ["GANTHEORY_STATIC"] = (
            "1"  # chapter 3's live lab is skipped (a page, not a kernel): its figure stands
        )
        nb = nbformat.read(path, as_version=4)
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(root, "kernel")))
        client = NotebookClient(
            nb,
            km=km,
            timeout=CELL_TIMEOUT_S,
            startup_timeout=120,
            resources={"metadata": {"path": str(Path(path).parent)}},
        )
        try:
            client.execute()
        except CellExecutionError as exc:
            return path, time.perf_counter() - start, str(exc)
        except Exception as exc:  # a dead kernel, a time-out
            return path, time.perf_counter() - start, f"{type(exc).__name__}: {exc}"
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    return path, time.perf_counter() - start, None


def _page_copy(nb: dict, name: str) -> dict:
    """The chapter as the site shows it: download note, collapsed solutions, no widgets, execution off."""
    nb = copy.deepcopy(nb)
    nb["metadata"].pop("widgets", None)
    nb["metadata"]["mystnb"] = {"execution_mode": "off"}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if "solution" in tags and "hide-input" not in tags:
            tags.append("hide-input")
        outputs = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_MIME in data:
                continue  # a widget needs a live kernel; the chapter's static figure stands
            outputs.append(out)
        cell["outputs"] = outputs
    note = {
        "cell_type": "markdown",
        "metadata": {},
        "id": "gantheory-docs-download",
        "source": (
            ":::{note}\n"
            f"This chapter is the notebook {{download}}`{name} <../../notebooks/{name}>` (stored without outputs: "
            "download it and run it in Jupyter, where the controls work). This page shows the outputs of one run "
            "of it; the interactive controls are left out and their static figures stand. The exercises' "
            "solutions are collapsed: click to show them.\n:::"
        ),
    }
    first_heading = next(
        (
            i
            for i, c in enumerate(nb["cells"])
            if c["cell_type"] == "markdown" and "".join(c["source"]).lstrip().startswith("# ")
        ),
        -1,
    )
    nb["cells"].insert(first_heading + 1, note)
    return nb


def build_chapters(jobs: int) -> tuple[list[str], list[tuple[str, str]]]:
    """Write docs/chapters/*.ipynb; return (how each was obtained, [(notebook, error)])."""
    lib = library_hash()
    CHAPTERS.mkdir(parents=True, exist_ok=True)
    stored = sorted(NOTEBOOKS.glob("*.ipynb"))
    for stale in CHAPTERS.glob("*.ipynb"):
        if not (NOTEBOOKS / stale.name).exists():
            stale.unlink()
    ready, todo, notes, errors = {}, [], [], []
    for path in stored:
        executed = _fresh_executed_copy(path)
        cached = CACHE / "notebooks" / f"{path.stem}-{_notebook_hash(path, lib)}.ipynb"
        if executed is not None:
            ready[path.name] = executed
            notes.append(f"{path.name}: the test run's executed copy")
        elif cached.exists():
            ready[path.name] = json.loads(cached.read_text(encoding="utf-8"))
            notes.append(f"{path.name}: cached execution")
        else:
            todo.append((path, cached))
    if todo:
        _log().info(
            f"executing {len(todo)} notebook(s) on {jobs} kernel(s) at once: " + ", ".join(p.name for p, _ in todo)
        )
        with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {pool.submit(execute_notebook, str(p), str(c)): (p, c) for p, c in todo}
            for future in concurrent.futures.as_completed(futures):
                p, c = futures[future]
                _, seconds, error = future.result()
                if error:
                    errors.append((p.name, error))
                    continue
                for old in c.parent.glob(f"{p.stem}-*.ipynb"):
                    if old != c:
                        old.unlink()
                ready[p.name] = json.loads(c.read_text(encoding="utf-8"))
                notes.append(f"{p.name}: executed in {seconds:.1f} s")
    for name, nb in ready.items():
        _write_if_changed(CHAPTERS / name, json.dumps(_page_copy(nb, name), indent=1, ensure_ascii=False) + "\n")
    return notes, errors


# -- the tour's report ----------------------------------------------------------------------------------------------------


def tour_report_text() -> tuple[str, str]:
    """(the report's text, where it came from)."""
    committed = ROOT / "figures" / "report.txt"
    if committed.exists():
        return committed.read_text(encoding="utf-8"), "committed"
    cached = CACHE / f"tour-report-{library_hash()}.txt"
    if not cached.exists():
        start = time.perf_counter()
        code = "from gantheory import tour; print(tour.format_report(tour.tour_report(quick=True)))"
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"gantheory.tour.tour_report(quick=True) failed:\n{result.stderr[-3000:]}")
        cached.parent.mkdir(parents=True, exist_ok=True)
        for old in CACHE.glob("tour-report-*.txt"):
            old.unlink()
        cached.write_text(result.stdout, encoding="utf-8")
        _log().info(f"tour report (quick) computed in {time.perf_counter() - start:.1f} s")
    return cached.read_text(encoding="utf-8"), "quick"


# -- MathJax --------------------------------------------------------------------------------------------------------------


def mathjax_static() -> Path:
    """A folder holding ``mathjax/tex-chtml.js`` (to add to html_static_path), fetched from the npm registry once."""
    given = os.environ.get("GANTHEORY_MATHJAX")
    target = CACHE / f"mathjax-{MATHJAX_VERSION}"
    if (target / "mathjax" / "tex-chtml.js").exists():
        return target
    source_dir = None
    with tempfile.TemporaryDirectory() as tmp:
        if given:
            source_dir = Path(given)
        else:
            npm = shutil.which("npm")
            if npm is None:
                raise RuntimeError(
                    f"MathJax: npm is needed to fetch mathjax@{MATHJAX_VERSION} from the npm registry (or set "
                    "GANTHEORY_MATHJAX to a folder holding MathJax 3's es5/ files)"
                )
            result = subprocess.run(
                [npm, "pack", f"mathjax@{MATHJAX_VERSION}", "--pack-destination", tmp, "--silent"],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise RuntimeError(f"npm pack mathjax@{MATHJAX_VERSION} failed:\n{result.stderr[-2000:]}")
            tgz = next(Path(tmp).glob("mathjax-*.tgz"))
            with tarfile.open(tgz) as tar:
                members = [
                    m for m in tar.getmembers() if m.name.startswith("package/es5/") and (m.isfile() or m.isdir())
                ]
                tar.extractall(tmp, members=members, filter="data")
            source_dir = Path(tmp, "package", "es5")
        staging = target.with_name(target.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        (staging / "mathjax").mkdir(parents=True)
        for part in MATHJAX_PARTS:
            src = source_dir / part
            if src.is_dir():
                shutil.copytree(src, staging / "mathjax" / part)
            elif src.exists():
                shutil.copy2(src, staging / "mathjax" / part)
        if not (staging / "mathjax" / "tex-chtml.js").exists():
            raise RuntimeError(f"MathJax: no tex-chtml.js in {source_dir}")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    return target


# -- Sphinx ---------------------------------------------------------------------------------------------------------------


def generate(app, config) -> None:
    """config-inited: write the generated sources before Sphinx looks for them."""
    log = _log()
    start = time.perf_counter()
    for problem in write_api_pages():
        log.warning(problem, type="gantheory", subtype="docstring")
    notes, errors = build_chapters(int(os.environ.get("GANTHEORY_DOCS_JOBS", "2")))
    for note in notes:
        log.info(f"chapter {note}")
    for name, error in errors:
        log.warning(f"notebook {name} failed to execute:\n{error[-4000:]}", type="gantheory", subtype="notebook")
    text, origin = tour_report_text()
    where = (
        "the full tour (`gantheory tour --out figures`), the run that drew the gallery's figures"
        if origin == "committed"
        else "`gantheory tour --quick` (smaller, faster settings than the gallery's figures: the numbers differ from theirs a little), computed when this site was built"
    )
    _write_if_changed(DOCS / "_generated" / "tour_report.txt", text)
    _write_if_changed(DOCS / "_generated" / "tour_report_origin.md", f"These numbers come from {where}.\n")
    log.info(f"generated the site's sources in {time.perf_counter() - start:.1f} s")


HAND_WRITTEN = {"index", "course", "theory_map", "gallery", "tour", "about", "api/index", "api/cli"}


def resolve_reexport(app, env, node, contnode):
    """missing-reference: resolve a re-exported name (``gantheory.kl``, ``gantheory.gan.train``) to the object's page,
    which is under the module that defines it (``gantheory.divergences.exact.kl``)."""
    if node.get("refdomain") != "py" or not node.get("reftarget", "").startswith("gantheory."):
        return None
    target = node["reftarget"]
    parts = target.split(".")
    obj = None
    for i in range(len(parts), 0, -1):  # the longest importable prefix, then attributes
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            obj = None  # no such name: a broken reference
        break
    resolved = None
    if inspect.ismodule(obj):  # a module's alias (gantheory.discrete is gantheory.divergences.discrete)
        if obj.__name__ != target:
            resolved = env.domains["py"].resolve_xref(
                env, node["refdoc"], app.builder, "mod", obj.__name__, node, contnode
            )
        if resolved is None:
            return None  # modules without a page of their own (gantheory.cli.train: the CLI page documents them)
    elif obj is not None:
        owner, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
        if owner and qualname and "<" not in qualname and f"{owner}.{qualname}" != target:
            resolved = env.domains["py"].resolve_xref(
                env, node["refdoc"], app.builder, node["reftype"], f"{owner}.{qualname}", node, contnode
            )
    if resolved is None and node["refdoc"] in HAND_WRITTEN and not target.split(".")[-1].startswith("_"):
        # nitpicky is off (type names in docstrings need no inventory), but the site's own pages must not link to nothing
        _log().warning(
            f"reference to {target} does not resolve to a documented object",
            location=node,
            type="gantheory",
            subtype="ref",
        )
    return resolved


def drop_type_docstring(app, what, name, obj, options, lines):
    """autodoc-process-docstring: a module constant without a ``#:`` comment would show its type's docstring
    ("Built-in immutable sequence." for a tuple, ``dict()``'s for a dict, the class's for an instance such as an
    autograd primitive): show nothing instead. Runs before numpydoc rewrites the lines."""
    if what in ("data", "attribute") and lines and not inspect.isclass(obj) and not inspect.isroutine(obj):
        own = inspect.getdoc(type(obj)) or ""
        if own and "\n".join(lines).strip() == own.strip():
            lines.clear()


def setup(app):
    app.connect("missing-reference", resolve_reexport)
    app.connect("autodoc-process-docstring", drop_type_docstring, priority=100)
    from sphinx.ext import autosummary

    # autosummary ends a summary line at the first period: "w.r.t." would cut one inside ``...`` (unbalanced markup)
    autosummary.WELL_KNOWN_ABBREVIATIONS = (*autosummary.WELL_KNOWN_ABBREVIATIONS, "w.r.t.")
    app.connect("config-inited", generate, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
