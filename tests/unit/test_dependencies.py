"""pyproject.toml declares what the code imports: the running app's imports are runtime
dependencies, the offline build's are runtime or `build` extras, and the running app never imports
the build (whose packages `make run` does not install)."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# The offline build (make data, make refresh): run from the command line, never by the server.
OFFLINE = ("dashboard.build.build", "dashboard.build.refresh", "dashboard.build.inputs")


def dist_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


RUNTIME = dist_names(PROJECT["dependencies"])
EXTRAS = {k: dist_names(v) for k, v in PROJECT["optional-dependencies"].items()}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> tuple[set[str], set[str]]:
    """(top-level third-party or stdlib modules, dashboard modules) a file imports, anywhere in it."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    outside, inside = set(), set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                targets = [".".join(base + ([node.module] if node.module else []))]
            else:
                targets = [node.module]
        else:
            continue
        for t in targets:
            (inside if t.split(".")[0] == "dashboard" else outside).add(t)
    return {t.split(".")[0] for t in outside} - set(sys.stdlib_module_names) - {"__future__"}, inside


def files(offline: bool) -> list[Path]:
    found = [p for p in (ROOT / "dashboard").rglob("*.py") if module_name(p).startswith(OFFLINE) == offline]
    return found if offline else found + [ROOT / "app.py"]


def distributions(modules: set[str]) -> dict[str, set[str]]:
    known = packages_distributions()
    # a module of a package not installed here (an optional extra) counts under its own name
    return {m: {d.lower().replace("_", "-") for d in known.get(m, [m])} for m in modules}


def test_what_the_running_app_imports_is_a_runtime_dependency():
    modules = set().union(*(imports(p)[0] for p in files(offline=False)))
    assert {"numpy", "flask", "dash", "pandas"} <= modules
    # the Redis client is optional (the `redis` extra): dashboard/cache.py imports it only when
    # S3_REDIS_URL is set, and says what to install when it is missing
    undeclared = {m: d for m, d in distributions(modules).items() if not d & (RUNTIME | EXTRAS["redis"])}
    assert undeclared == {}


def test_what_the_build_imports_is_declared_in_runtime_or_build():
    modules = set().union(*(imports(p)[0] for p in files(offline=True)))
    assert {"geopandas", "requests"} <= modules
    undeclared = {m: d for m, d in distributions(modules).items() if not d & (RUNTIME | EXTRAS["build"])}
    assert undeclared == {}


def test_the_running_app_never_imports_the_offline_build():
    reached = {(module_name(p), m) for p in files(offline=False) for m in imports(p)[1] if m.startswith(OFFLINE)}
    assert reached == set()


def test_the_build_and_optional_packages_are_not_runtime_dependencies():
    assert not RUNTIME & {"geopandas", "shapely", "pyproj", "requests", "tqdm", "bootstrap-flask", "redis", "gunicorn"}
    assert {"geopandas", "shapely", "requests", "tqdm"} <= EXTRAS["build"]
    assert EXTRAS["redis"] == {"redis"} and EXTRAS["css"] == {"bootstrap-flask"}


def test_every_install_in_the_makefile_uses_the_constraints():
    makefile = (ROOT / "Makefile").read_text()
    assert "PIP_INSTALL := $(PIP) install --quiet -c constraints.txt" in makefile
    installs = [line for line in makefile.splitlines()
                if re.search(r"\$\(PIP\) install|pip install", line) and "echo" not in line]
    assert installs and all("-c constraints.txt" in line or "--upgrade pip" in line or "LOCK_VENV" in line
                            for line in installs), installs
    pins = [line for line in (ROOT / "constraints.txt").read_text().splitlines() if line and not line.startswith("#")]
    assert pins and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[^\s]+", line) for line in pins), pins
    pinned = {line.split("==")[0].lower().replace("_", "-") for line in pins}
    assert RUNTIME <= pinned and set().union(*EXTRAS.values()) - {"s3-atlas"} <= pinned
    assert "s3-atlas" not in pinned


def test_the_app_imports_nothing_from_the_build_when_it_starts():
    code = ("import sys; from dashboard.app import create_app; create_app(); "
            "print(','.join(sorted(m for m in ('geopandas', 'shapely', 'pyproj', 'tqdm', 'flask_bootstrap', "
            "'dashboard.build.build', 'dashboard.build.refresh') if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == ""


def test_a_redis_url_without_the_redis_client_stops_the_server_with_a_clear_message():
    """The shared cache is optional (the `redis` extra): asked for without its client, the server says
    what to install instead of failing on the first cached view."""
    code = "import sys, runpy; sys.modules['redis'] = None; runpy.run_path('app.py', run_name='s3_atlas')"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin", "S3_REDIS_URL": "redis://127.0.0.1:1/0"})
    assert out.returncode == 1
    assert "S3_REDIS_URL is set but the Redis client" in out.stderr and "s3-atlas[redis]" in out.stderr
    assert "Traceback" not in out.stderr
