"""The layers talk one way: settings -> data -> figures -> views -> pages -> app.

Beside that line: the offline build (dashboard.build) reads the kit and writes snapshots, using the
read model's helpers but never the app; the write model (dashboard.write: proposals, reviewers,
audit, publishing) is a layer of its own that the read model, the figures, the views and the
explorer's pages never read; only the contribution pages (dashboard.contribute) and the app use it.

Imports are read from the source (every ``import`` statement, function-level ones included),
so a lower layer reaching up, or a cycle hidden inside a function, fails here.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "dashboard"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Absolute names of everything a module imports."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            mod = ".".join(base + ([node.module] if node.module else []))
            out.add(mod)
            out |= {f"{mod}.{a.name}" for a in node.names}  # 'from . import x' names a module
    return out


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {m: {i for i in imports_of(p) if i in MODULES and i != m} for m, p in MODULES.items()}


def reaches(module: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(i for i in imports_of(MODULES[module])
                  if any(i == f or i.startswith(f + ".") for f in forbidden))


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("dashboard.data")))
def test_the_data_layer_knows_nothing_of_dash_or_the_ui(module):
    assert reaches(module, ("dash", "flask", "dashboard.state", "dashboard.pages", "dashboard.figures",
                            "dashboard.views", "dashboard.components", "dashboard.app")) == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("dashboard.data")))
def test_the_read_model_never_reaches_the_build_or_the_write_model(module):
    assert reaches(module, ("dashboard.build", "dashboard.write", "dashboard.contribute")) == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("dashboard.build")))
def test_the_build_knows_nothing_of_the_app_or_the_write_model(module):
    assert reaches(module, ("dash", "flask", "dashboard.state", "dashboard.pages", "dashboard.figures",
                            "dashboard.views", "dashboard.components", "dashboard.app", "dashboard.write",
                            "dashboard.contribute")) == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("dashboard.write")))
def test_the_write_model_knows_nothing_of_the_web(module):
    assert reaches(module, ("dash", "flask", "dashboard.state", "dashboard.pages", "dashboard.figures",
                            "dashboard.views", "dashboard.components", "dashboard.app",
                            "dashboard.contribute")) == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith((
    "dashboard.figures", "dashboard.views", "dashboard.pages", "dashboard.components", "dashboard.state",
    "dashboard.urlcodec", "dashboard.callback_requests"))))
def test_the_views_never_read_the_write_model_or_run_the_build(module):
    assert reaches(module, ("dashboard.write", "dashboard.contribute", "dashboard.build")) == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("dashboard.figures")))
def test_figures_draw_what_they_are_given(module):
    assert reaches(module, ("dash", "dashboard.data.query", "dashboard.state", "dashboard.views",
                            "dashboard.pages", "dashboard.app")) == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES
                                          if m.startswith(("dashboard.views", "dashboard.callback_requests"))))
def test_views_and_request_builders_do_not_import_pages(module):
    assert reaches(module, ("dashboard.pages", "dashboard.app")) == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("dashboard.pages.")))
def test_pages_do_not_import_each_other(module):
    assert [i for i in reaches(module, ("dashboard.pages",)) if i != "dashboard.pages"] == []


def test_settings_are_read_in_one_place():
    readers = [m for m, p in MODULES.items() if "os.environ" in p.read_text(encoding="utf-8")]
    assert readers == ["dashboard.settings"]
    # only the app (and the command-line entry points of the build, refresh and write model) use the global settings
    users = sorted(m for m, p in MODULES.items() if "SETTINGS" in p.read_text(encoding="utf-8")
                   and m != "dashboard.settings")
    assert users == ["dashboard.app", "dashboard.build.build", "dashboard.build.refresh", "dashboard.write.cli"]


def test_no_import_cycles():
    cycles, state = [], {}

    def visit(m, stack):
        state[m] = "open"
        for n in sorted(GRAPH[m]):
            if state.get(n) == "open":
                cycles.append(stack[stack.index(n):] + [n])
            elif n not in state:
                visit(n, stack + [n])
        state[m] = "done"

    for m in sorted(GRAPH):
        if m not in state:
            visit(m, [m])
    assert cycles == []
