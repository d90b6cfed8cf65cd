"""No two modules of the project import each other, directly or round a loop, and no two of its packages do.

The imports are read with `ast`, not run: those at the top of a module and those inside functions alike
(an import inside a function only hides a loop, it does not remove it), relative imports resolved against
the importing module's package, and a script's import of a module beside it (scripts/) resolved to that
module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .helpers.paths import REPOSITORY

PACKAGES = ("etl", "mm_dashboard", "reports", "app_pages", "scripts", "bench")  # folders of modules
SCRIPTS = ("dashboard.py",)  # modules at the top of the repository


def module_files(root: Path) -> dict[str, Path]:
    """Module name -> file, for every .py file of the project's packages and top-level scripts under `root`."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if path.is_relative_to(root / "bench" / ".data"):
                continue  # generated inputs, not code of the project
            parts = path.relative_to(root).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    for script in SCRIPTS:
        if (root / script).exists():
            modules[Path(script).stem] = root / script
    return modules


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The project's modules that the module `name` (file `path`) imports, anywhere in it."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    beside_a_script = not is_package and not (path.parent / "__init__.py").exists() and package  # scripts/
    found = set()

    def add(candidates: list[str]) -> None:
        """The first candidate that is a module of the project, or failing that its longest known parent."""
        for candidate in candidates:
            while candidate:
                if candidate in known:
                    found.add(candidate)
                    return
                candidate = candidate.rpartition(".")[0]

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add([alias.name] + ([f"{package}.{alias.name}"] if beside_a_script else []))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base = ".".join(base_parts[:len(base_parts) - (node.level - 1)])
                sources = [f"{base}.{node.module}" if node.module else base]
            else:
                sources = [node.module] + ([f"{package}.{node.module}"] if beside_a_script else [])
            for source in sources:
                submodules = {f"{source}.{alias.name}" for alias in node.names} & known  # from . import spec
                found |= submodules
                if len(submodules) < len(node.names):  # a name defined in the module `source` itself
                    add([source])
    found.discard(name)
    return found


def module_graph(root: Path) -> dict[str, set[str]]:
    modules = module_files(root)
    return {name: imported_modules(name, path, set(modules)) for name, path in modules.items()}


def package_graph(modules: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph of the top-level packages (and scripts): A -> B when a module of A imports one of B."""
    graph: dict[str, set[str]] = {}
    for name, imported in modules.items():
        top = name.split(".")[0]
        graph.setdefault(top, set()).update(other.split(".")[0] for other in imported if other.split(".")[0] != top)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One loop through each group of nodes that reach one another (Tarjan's strongly connected components),
    as the path round it: ['a', 'b', 'a']."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_loop_through(group, graph) for group in sorted(groups)]


def _loop_through(group: list[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest path from the group's first node back to itself, within the group."""
    start, members = group[0], set(group)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph.get(node, set()) & members):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return path[::-1] + [start]
                if target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError(f"no loop through {group}")


def described(loops: list[list[str]]) -> str:
    return "\n".join(" -> ".join(loop) for loop in loops)


def test_no_module_imports_itself_round_a_loop():
    loops = cycles(module_graph(REPOSITORY))
    assert not loops, f"modules that import each other (a loop of imports):\n{described(loops)}"


def test_no_package_imports_itself_round_a_loop():
    loops = cycles(package_graph(module_graph(REPOSITORY)))
    assert not loops, f"packages that import each other (a loop of imports):\n{described(loops)}"


# --- The walk itself, on a small made-up project -------------------------------------------------------------

def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_an_import_inside_a_function_still_closes_a_loop(tmp_path):
    """etl/extract.py imported etl/columnar.py inside a function to keep a loop alive: it is a loop."""
    root = write(tmp_path, {
        "etl/__init__.py": "",
        "etl/extract.py": "def read():\n    from .columnar import read_fast\n",
        "etl/columnar.py": "from .transform import validate\n",
        "etl/transform.py": "from etl.extract import RawSheet\n",
        "etl/spec.py": "",
    })
    assert cycles(module_graph(root)) == [["etl.columnar", "etl.transform", "etl.extract", "etl.columnar"]]


@pytest.mark.parametrize("module, line, imported", [
    ("etl/reader.py", "from . import spec", {"etl.spec"}),
    ("etl/reader.py", "from .spec import Sheet", {"etl.spec"}),
    ("etl/reader.py", "from . import spec, database_path", {"etl.spec", "etl"}),
    ("etl/reader.py", "import etl.spec as spec", {"etl.spec"}),
    ("etl/reader.py", "from etl import database_path", {"etl"}),
    ("etl/reader.py", "from reports.pdf import write", {"reports.pdf"}),
    ("etl/reader.py", "import os, pandas", set()),
    ("etl/sub/reader.py", "from .. import spec", {"etl.spec"}),
    ("etl/sub/reader.py", "from ..spec import Sheet", {"etl.spec"}),
    ("etl/sub/reader.py", "from . import spec", {"etl.sub"}),
])
def test_imports_are_resolved_to_the_project_modules(tmp_path, module, line, imported):
    root = write(tmp_path, {"etl/__init__.py": "", "etl/spec.py": "", "etl/sub/__init__.py": "",
                            module: f"def read():\n    {line}\n", "reports/__init__.py": "", "reports/pdf.py": ""})
    modules = module_files(root)
    name = module.removesuffix(".py").replace("/", ".")
    assert imported_modules(name, modules[name], set(modules)) == imported


def test_a_script_importing_the_module_beside_it_is_resolved(tmp_path):
    root = write(tmp_path, {"scripts/make.py": "from content import ROWS\n", "scripts/content.py": "import make\n"})
    assert cycles(module_graph(root)) == [["scripts.content", "scripts.make", "scripts.content"]]


def test_packages_importing_each_other_are_a_loop(tmp_path):
    root = write(tmp_path, {"mm_dashboard/__init__.py": "", "mm_dashboard/ui.py": "from reports import pack\n",
                            "reports/__init__.py": "", "reports/pack.py": "from mm_dashboard.charts import x\n",
                            "mm_dashboard/charts.py": "", "etl/__init__.py": ""})
    assert cycles(module_graph(root)) == []
    assert cycles(package_graph(module_graph(root))) == [["mm_dashboard", "reports", "mm_dashboard"]]
