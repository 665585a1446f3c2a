"""The layering of docs/architecture.md ("Layers"), checked on the source: every import of every
module under storefront/, at module level and inside functions, parsed with ``ast``.

A package may import its own layer and the layers below, never one above; packages never import
each other in a cycle; a feature never imports another feature's views; and no function imports a
storefront module (an import inside a function is how a cycle hides).
"""
from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "storefront"

# Top to bottom, as docs/architecture.md draws them. A unit is a sub-package of storefront, a
# top-level module, or "storefront" itself (the app factory in storefront/__init__.py).
LAYERS: list[tuple[str, frozenset[str]]] = [
    ("entry points", frozenset({"storefront", "cli", "migrations", "errors", "page_frame"})),
    ("features", frozenset({"accounts", "cart", "catalog", "checkout", "cms", "console", "demo",
                            "health", "landing", "mail", "orders", "search", "seo", "themes"})),
    ("tenancy", frozenset({"tenancy"})),
    ("platform", frozenset({"platform"})),
    ("base", frozenset({"config", "extensions", "formatting", "i18n", "inputs", "logins",
                        "migrate", "models_base", "page_params", "safe_redirect",
                        "unit_of_work"})),
]
RANK = {unit: rank for rank, (_, units) in enumerate(LAYERS) for unit in units}
FEATURES = LAYERS[1][1]


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, e.g. storefront.cart.views
    target: str  # the imported storefront module, e.g. storefront.accounts.identity
    line: int
    in_function: bool

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line} imports {self.target}"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    path = ROOT.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def unit(module: str) -> str:
    """``storefront.cart.views`` → ``cart``; ``storefront`` → ``storefront`` (the factory)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:  # relative: resolved against the importing module's package
        package = module.split(".") if is_package else module.split(".")[:-1]
        anchor = ".".join(package[:len(package) - node.level + 1])
        base = f"{anchor}.{base}" if base else anchor
    # ``from storefront import cart`` imports a module; ``from storefront import create_app``
    # imports a name of the module ``storefront``.
    return [f"{base}.{a.name}" if is_module(f"{base}.{a.name}") else base for a in node.names]


def _imports_of(path: Path, module: str | None = None) -> list[Import]:
    module = module or module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                for target in _imported(child, module, path.name == "__init__.py"):
                    if target == "storefront" or target.startswith("storefront."):
                        found.append(Import(module, target, child.lineno, in_function))
            visit(child, in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))

    visit(tree, False)
    return found


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return [found for path in sorted(ROOT.rglob("*.py")) for found in _imports_of(path)]


def package_graph(imports: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for found in imports:
        source, target = unit(found.source), unit(found.target)
        if source != target:
            graph[source].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                connect(successor)
                low[node] = min(low[node], low[successor])
            elif successor in stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_the_parser_sees_the_imports_it_judges(imports: list[Import], tmp_path: Path) -> None:
    graph = package_graph(imports)
    assert {"cart", "catalog", "accounts"} <= graph["checkout"]
    assert "platform" in graph["tenancy"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    source = tmp_path / "views.py"
    source.write_text("from . import services\nfrom ..cart import storage\n"
                      "def view():\n    import storefront.checkout.views\n"
                      "    from storefront import create_app\n")
    assert [(i.target, i.line, i.in_function) for i in _imports_of(source, "storefront.cms.views")
            ] == [("storefront.cms.services", 1, False), ("storefront.cart.storage", 2, False),
                  ("storefront.checkout.views", 4, True), ("storefront", 5, True)]


def test_every_package_has_a_layer(imports: list[Import]) -> None:
    units = {unit(module_name(path)) for path in ROOT.rglob("*.py")}
    assert sorted(units - RANK.keys()) == [], "add it to LAYERS and to docs/architecture.md"


def test_no_import_goes_up_a_layer(imports: list[Import]) -> None:
    upward = [f"{i.where} ({LAYERS[RANK[unit(i.source)]][0]} → "
              f"{LAYERS[RANK[unit(i.target)]][0]})"
              for i in imports if RANK[unit(i.target)] < RANK[unit(i.source)]]
    assert upward == []


def test_no_two_packages_import_each_other(imports: list[Import]) -> None:
    graph = package_graph(imports)
    tangled = cycles(graph)
    edges = [f"{a} → {b}" for component in tangled for a in component
             for b in sorted(graph[a]) if b in component]
    assert tangled == [], edges


def test_a_feature_never_imports_another_features_views(imports: list[Import]) -> None:
    crossing = [i.where for i in imports
                if unit(i.source) in FEATURES and unit(i.source) != unit(i.target)
                and i.target.rsplit(".", 1)[-1] == "views"]
    assert crossing == []


def test_no_function_imports_a_storefront_module(imports: list[Import]) -> None:
    assert [i.where for i in imports if i.in_function] == []
