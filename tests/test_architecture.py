"""The package's import graph: no import circle but the autograd's tensor <-> ops (issue 25).

Every ``import`` and ``from ... import`` in every module, lazy ones inside functions included, read with
:mod:`ast` (nothing is imported). An edge goes to the module named, or to ``package.name`` when that is a
module itself; edges into a package's ``__init__`` are left out (a package re-exports its modules by
design). A circle is a strongly connected component of more than one module.
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
                base = node.module or ""
                if node.level:
                    anchor = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
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
