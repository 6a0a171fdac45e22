"""The package's structure: no import cycles anywhere in it, and only the reference counter's public names used
outside the counter."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import autograder.reference

PACKAGE = Path(autograder.reference.__file__).resolve().parent
ROOT = PACKAGE.parents[1]
# Grading code the lead is rewriting: it still imports two private modules; the public names exist
# (reference.data_format, reference.split_spatial, reference.rule_for). Remove each line once fixed.
PENDING: dict[str, str] = {}  # module → the one private name it may still reach (none left)
PRIVATE = re.compile(r"reference(?:\.[a-z_]+)*\._[a-z]\w*|reference import (?:\(\s*)?_[a-z]")


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str], root: Path = ROOT) -> set[str]:
    """Every module of ``modules`` that ``path`` imports when it runs, at any depth of the code (late imports
    too; not those under ``if TYPE_CHECKING:``, which never run), relative or absolute: ``from . import x``
    imports the module x if there is one, else a name of the package itself."""
    here = _module_name(path, root).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in _run_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            prefix = package[: len(package) - node.level + 1] if node.level else []
            base = ".".join(prefix + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return found & modules


def _run_nodes(tree: ast.AST):
    """Every node of ``tree`` except those inside ``if TYPE_CHECKING:`` (imports for annotations only)."""
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            yield from (node for other in child.orelse for node in ast.walk(other))
            continue
        yield child
        yield from _run_nodes(child)


def _graph(package: Path = PACKAGE, root: Path = ROOT) -> dict[str, set[str]]:
    """Which modules of ``package`` (a folder under ``root``) each of its modules imports."""
    modules = {_module_name(p, root): p for p in package.rglob("*.py")}
    return {name: _imports(path, set(modules), root) - {name} for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle (a list of modules, first repeated last), or [] if there is none."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(node: str, path: list[str]) -> list[str]:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], node, nxt] if nxt in path else [node, nxt]
            if nxt not in state and (found := visit(nxt, [*path, node])):
                return found
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start, [])):
            return found
    return []


def test_the_reference_package_has_no_import_cycles():
    """Does no module of autograder.reference import, directly or through others, a module that imports it?"""
    graph = _graph()
    assert "autograder.reference.rnn" in graph["autograder.reference"]  # the walk sees the package's imports
    assert _cycle(graph) == []


def test_the_whole_package_has_no_import_cycles():
    """Does no module of autograder (commands, grading, trusted, parallel… all of it) import, directly or through
    others, a module that imports it, counting late imports inside functions?"""
    graph = _graph(PACKAGE.parent)
    assert len(graph) > 100  # every module is walked, not only the reference counter
    assert "autograder.grading.questions" in graph["autograder.grading.verdicts"]  # relative imports are seen
    assert "autograder._capture" in graph["autograder._runner"]  # so are absolute ones
    assert "autograder.nbgrader_plugins" in graph["autograder.course"]  # and late ones, inside a function
    assert _cycle(graph) == []


def test_the_walk_finds_a_cycle_in_files(tmp_path):
    """Does the walk over files report a cycle made of a relative, an absolute and a late import?"""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from .sub import b\n")
    (package / "sub" / "b.py").write_text("import pkg.c\n")
    (package / "c.py").write_text("def late():\n    from . import a\n")
    assert _cycle(_graph(package, tmp_path)) == ["pkg.a", "pkg.sub.b", "pkg.c", "pkg.a"]
    (package / "c.py").write_text("def late():\n    from . import sub\n")  # the package, not a: no cycle
    assert _cycle(_graph(package, tmp_path)) == []
    (package / "c.py").write_text("if TYPE_CHECKING:\n    from . import a\n")  # never runs: no cycle
    assert _cycle(_graph(package, tmp_path)) == []


def test_the_cycle_finder_finds_a_cycle():
    """Does the cycle finder report a cycle when there is one (so the test above can fail)?"""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []


def test_modules_outside_the_reference_use_its_public_names_only():
    """Does no module outside autograder/reference import its private modules or names (_registry, _shapes…)?"""
    offenders = {}
    for path in [*ROOT.joinpath("autograder").rglob("*.py"), *ROOT.joinpath("benchmarks").rglob("*.py")]:
        if PACKAGE in path.parents:
            continue
        found = PRIVATE.findall(path.read_text())
        if found:
            offenders[str(path.relative_to(ROOT))] = found[0]
    assert {name: text for name, text in offenders.items() if PENDING.get(name) != text} == {}


def test_the_private_name_pattern_catches_private_imports():
    """Does the pattern catch each way of reaching a private name, and leave public ones alone?"""
    for text in ("from ..reference._load import load_text", "reference._registry.rule_for",
                 "from ...reference import _shapes", "from autograder.reference.operations._base import arg"):
        assert PRIVATE.search(text), text
    for text in ("from ..reference import load_text", "reference.rule_for(layer)", "from .reference import Call"):
        assert not PRIVATE.search(text), text


def test_public_names_cover_what_the_package_modules_need():
    """Are the names that modules outside the reference need (loading, rules, shapes, fallbacks) public?"""
    for name in ("load_text", "rule_for", "data_format", "split_spatial", "falling_back", "Fallback", "term"):
        assert name in autograder.reference.__all__ and hasattr(autograder.reference, name)
