"""The package's shape: stages that import only what comes before them.

The import graph is read from the source (every `import`, in functions and
under `TYPE_CHECKING` too), so a cycle hidden in a function-level import
fails here as much as one at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "insyn"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Each insyn module -> the insyn modules it imports anywhere in its source."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            else:
                continue
            graph[name] |= {t for t in targets if t in modules and t not in (name, "insyn")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_package_has_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


#: The stages in the order the pipeline runs them: a module may import from its own
#: stage and those before it, never from a later one (`model` knows no file, `sources`
#: no graph, `pages` no build, and only `cli` knows every command).
LAYERS = (
    "insyn.options",
    "insyn.model",
    "insyn.sources",
    "insyn.graph",
    "insyn.pipeline",
    "insyn.present",
    "insyn.pages",
    "insyn.opendata",
    "insyn.build",
    "insyn.importer",
    "insyn.commands",
    "insyn.serve",
    "insyn.cli",
)


def layer(module: str) -> int:
    """The place of a module's stage in `LAYERS`."""
    for place, name in enumerate(LAYERS):
        if module == name or module.startswith(f"{name}."):
            return place
    raise AssertionError(f"{module} is in no stage of LAYERS")


def backward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        if module != "insyn"
        for target in targets
        if layer(target) > layer(module)
    )


def test_every_module_imports_only_from_its_own_stage_or_earlier_ones() -> None:
    assert backward_imports(import_graph()) == []


def test_the_stage_check_finds_a_backward_import() -> None:
    graph = import_graph()
    graph["insyn.graph.link"] = {*graph["insyn.graph.link"], "insyn.build.render"}
    assert backward_imports(graph) == ["insyn.graph.link imports insyn.build.render"]


def test_every_stage_is_a_folder_and_no_module_is_long() -> None:
    """The pipeline is visible in the folders, and no module grows past about 500 lines."""
    top = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    assert top == ["cli", "commands", "options", "pipeline"]
    long = {
        str(p.relative_to(ROOT)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 520
    }
    assert long == {}


def test_the_cycle_check_finds_a_cycle_hidden_in_a_function() -> None:
    graph = import_graph()
    graph["insyn.options"] = {*graph["insyn.options"], "insyn.cli"}  # as if options used cli
    assert any({"insyn.cli", "insyn.options"} <= set(group) for group in cycles(graph))


def test_a_function_level_import_is_an_edge() -> None:
    """`cli` imports `commands` only inside a function: the graph has the edge all the same."""
    assert "insyn.commands" in import_graph()["insyn.cli"]


def test_site_py_is_never_imported() -> None:
    """A module named `site` would shadow the standard library's."""
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "tests").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                assert all(alias.name != "site" for alias in node.names), path
            elif isinstance(node, ast.ImportFrom):
                assert node.module != "site", path
