"""The package's import graph: no import circle but the autograd's tensor <-> ops (issue 25).

Every ``import`` and ``from ... import`` in every module, lazy ones inside functions included, read with
:mod:`ast` (nothing is imported). An edge goes to the module named, or to ``package.name`` when that is a
module itself; edges into a package's ``__init__`` are left out (a package re-exports its modules by
design). A circle is a strongly connected component of more than one module.

No module uses another module's private (underscore) name either: ``from m import _x`` or ``m._x``. A private
module's functions (``divergences._quadrature.integrate``) are the package's internal API and carry no underscore.
"""

import ast
from pathlib import Path

import gantheory

ROOT = Path(gantheory.__file__).parent
ALLOWED_CIRCLES = [{"gantheory.autograd.tensor", "gantheory.autograd.ops"}]


def _modules():
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = ("gantheory",) + path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1]) if parts[-1] == "__init__" else ".".join(parts)
        out[name] = (path, parts[-1] == "__init__")
    return out


def _absolute(here, node):
    """The absolute module name of an ``ast.ImportFrom`` written in package ``here``."""
    base = node.module or ""
    if node.level:
        anchor = here.split(".")[: len(here.split(".")) - (node.level - 1)]
        base = ".".join(anchor + ([base] if base else []))
    return base


def _edges(modules):
    packages = {name for name, (_, is_package) in modules.items() if is_package}
    graph = {name: set() for name in modules}
    for name, (path, is_package) in modules.items():
        here = name if is_package else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(here, node)
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names
                ]
            for target in targets:
                if target in modules and target != name and target not in packages:
                    graph[name].add(target)
    return graph


def _circles(graph):
    """Tarjan's strongly connected components of size > 1."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(component)

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_the_reader_finds_a_planted_circle():
    # the checker itself: a two-module circle in a made-up graph is found, a chain is not
    assert _circles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [{"a", "b"}]
    assert _circles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_circle_but_tensor_and_ops():
    graph = _edges(_modules())
    assert graph["gantheory.autograd.ops"], "the reader found no imports: the test would pass vacuously"
    circles = [c for c in _circles(graph) if c not in ALLOWED_CIRCLES]
    assert not circles, circles


def test_plotting_imports_nothing_from_gan():
    # plotting is a leaf: its figures take data, which the tour and the notebooks compute with gantheory.gan
    modules = _modules()
    graph = _edges(modules)
    plotting = [name for name in graph if name == "gantheory.plotting" or name.startswith("gantheory.plotting.")]
    assert len(plotting) > 1 and any(graph[name] for name in plotting), "the reader found no plotting modules"
    into_gan = {name: sorted(t for t in graph[name] if t.startswith("gantheory.gan.")) for name in plotting}
    assert not any(into_gan.values()), into_gan
    # _edges leaves out imports of a package itself (``from gantheory.gan import x``): read those too
    for name in plotting:
        for node in ast.walk(ast.parse(modules[name][0].read_text(encoding="utf-8"))):
            named = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            named += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n == "gantheory.gan" or n.startswith("gantheory.gan.") for n in named), name


#: What plotting may take from the modules that hold experiments (``gantheory.mle``, ``gantheory.divergences``):
#: formulas that turn the data a figure is given into what it draws (a fitted rate, the terms of the NLL of
#: the data it is given, the 1/n constant of a target's guide line) and the names of the estimators. No
#: experiment (nothing that samples, fits, projects or trains): the figures take that as data.
PLOTTING_MAY_IMPORT = {
    "gantheory.mle": {"likelihood_decomposition", "excess_kl_constant"},
    "gantheory.divergences.rates": {"loglog_slope", "EXPECTED_RATES", "PROBLEMS", "ESTIMATOR_LABELS"},
}


def _plotting_imports_of_experiments(source):
    """``(module, name)`` for each import of ``source`` from gantheory.mle, gantheory.gan or gantheory.divergences;
    ``name`` is None for ``import m`` and for ``from gantheory import mle`` (the whole module)."""
    modules = set(_modules())
    out = []
    watched = ("gantheory.mle", "gantheory.gan", "gantheory.divergences")

    def is_watched(module):
        return any(module == w or module.startswith(w + ".") for w in watched)

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(a.name, None) for a in node.names if is_watched(a.name)]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            for a in node.names:
                if f"{base}.{a.name}" in modules and is_watched(f"{base}.{a.name}"):
                    out.append((f"{base}.{a.name}", None))  # a module: from gantheory import mle
                elif is_watched(base):
                    out.append((base, a.name))
    return out


def _plotting_import_problems(source):
    return [
        (module, name)
        for module, name in _plotting_imports_of_experiments(source)
        if name is None or name not in PLOTTING_MAY_IMPORT.get(module, set())
    ]


def test_the_plotting_import_reader_flags_a_planted_experiment():
    # the checker itself, on made-up sources: experiments and whole modules are flagged, the listed formulas not
    assert _plotting_import_problems("from gantheory.mle import excess_kl_constant\nimport numpy") == []
    assert _plotting_import_problems("def f():\n    from gantheory.mle import mle_convergence\n") == [
        ("gantheory.mle", "mle_convergence")
    ]
    assert _plotting_import_problems("from gantheory import mle") == [("gantheory.mle", None)]
    assert _plotting_import_problems("from gantheory.divergences import evaluation") == [
        ("gantheory.divergences.evaluation", None)
    ]
    assert _plotting_import_problems("import gantheory.gan.training") == [("gantheory.gan.training", None)]
    assert _plotting_import_problems("from gantheory.divergences.rates import estimator_errors") == [
        ("gantheory.divergences.rates", "estimator_errors")
    ]


def test_plotting_imports_no_experiment():
    # a figure takes data and never computes it (docs/developing.md): from the modules that hold the
    # experiments plotting takes only the formulas of PLOTTING_MAY_IMPORT, each by name
    modules = _modules()
    plotting = [name for name in modules if name == "gantheory.plotting" or name.startswith("gantheory.plotting.")]
    assert len(plotting) > 1, "the reader found no plotting modules"
    problems = {name: _plotting_import_problems(modules[name][0].read_text(encoding="utf-8")) for name in plotting}
    assert not any(problems.values()), {name: p for name, p in problems.items() if p}


def _private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _private_names_used(name, is_package, source, modules):
    """Where ``source`` (module ``name``) uses a private name of another module in ``modules``.

    ``from m import _x`` (``_x`` not a module itself: importing a private module is fine) and ``m._x`` where
    ``m`` is bound by an import, lazy ones included, to a module of ``modules`` other than ``name``.
    """
    here = name if is_package else name.rpartition(".")[0]
    tree = ast.parse(source)
    bound, found = {}, []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.partition(".")[0]
                bound[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(here, node)
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    bound[alias.asname or alias.name] = f"{base}.{alias.name}"
                elif _private(alias.name) and base in modules and base != name:
                    found.append(f"{name}:{node.lineno}: from {base} import {alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            path, value = [], node.value
            while isinstance(value, ast.Attribute):
                path.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in bound:
                target = ".".join([bound[value.id], *reversed(path)])
                if target in modules and target != name and f"{target}.{node.attr}" not in modules:
                    found.append(f"{name}:{node.lineno}: {target}.{node.attr}")
    return found


def test_the_reader_finds_a_planted_private_import():
    # the checker itself, on made-up modules: private names of another module are found, in both spellings;
    # a private module, public names and the module's own names are not
    modules = {"pkg", "pkg.a", "pkg._b", "pkg.sub", "pkg.sub.c"}
    source = """
from pkg._b import helper, _hidden
from pkg import _b
from ._b import _relative
import pkg._b as b2
import pkg.sub.c
from . import a

def f():
    from pkg.a import _lazy
    return _b._private(1) + b2._other + a.public + _b.PUBLIC + pkg.sub.c._deep + a.__name__ + _own
"""
    assert sorted(_private_names_used("pkg.d", False, source, modules)) == sorted(
        [
            "pkg.d:2: from pkg._b import _hidden",
            "pkg.d:4: from pkg._b import _relative",
            "pkg.d:10: from pkg.a import _lazy",
            "pkg.d:11: pkg._b._private",
            "pkg.d:11: pkg._b._other",
            "pkg.d:11: pkg.sub.c._deep",
        ]
    )
    clean = "from pkg import _b\nfrom pkg._b import helper\nx = _b.helper() + helper()\n"
    assert _private_names_used("pkg.d", False, clean, modules) == []


def test_no_module_uses_another_modules_private_name():
    modules = _modules()
    assert "gantheory.divergences.exact" in modules and "gantheory.plotting.training" in modules
    found = [
        line
        for name, (path, is_package) in sorted(modules.items())
        for line in _private_names_used(name, is_package, path.read_text(encoding="utf-8"), modules)
    ]
    assert not found, "\n".join(found)
