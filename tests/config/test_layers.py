"""The apps import one another only as docs/architecture.md, "Layers", allows.

Every import statement of every application module is read with ``ast``,
at module level and inside functions alike: a function-level import is
still a dependency.
"""

import ast
import functools
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASE = {"base"}
DOMAIN = {"accounts", "strategy", "programs", "scorecards", "reviews"}
FEATURES = {"public", "api", "mediawiki", "demo", "dashboard", "changes", "updates", "books"}
# A feature may use another only here: the API gives a strategy page's content
# as the public site composes it (public/selectors.py), the demo content
# includes a page its manager watches, and the briefing books print the map
# and the pages as the public site draws them (public/maps.py, public/page.py).
FEATURE_USES = {("api", "public"), ("demo", "changes"), ("books", "public")}
PROJECT = {"config"}
APPS = BASE | DOMAIN | FEATURES | PROJECT


def imported_apps(module: Path) -> set[str]:
    """The project apps ``module`` imports, wherever in the module the import is."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text(), filename=str(module))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names)
    return found & APPS


@functools.cache
def app_imports() -> dict[str, dict[str, list[str]]]:
    """For each app: each other app it imports, with the modules that do. Read once."""
    graph: dict[str, dict[str, list[str]]] = {}
    for app in sorted(APPS):
        imports = defaultdict(list)
        for module in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in module.parts:
                continue
            for imported in imported_apps(module) - {app}:
                imports[imported].append(str(module.relative_to(ROOT)))
        graph[app] = dict(imports)
    return graph


def imports_refused(apps: set[str], *, allowed) -> dict[tuple[str, str], list[str]]:
    """Each import by one of ``apps`` of an app that ``allowed(app, other)`` refuses, with the
    modules that make it."""
    graph = app_imports()
    return {
        (app, other): modules
        for app in apps
        for other, modules in graph[app].items()
        if not allowed(app, other)
    }


def test_every_app_of_the_layers_exists():
    assert {app for app in APPS if not (ROOT / app / "__init__.py").exists()} == set()


def test_no_two_apps_import_each_other():
    graph = app_imports()

    assert imports_refused(APPS, allowed=lambda app, other: app not in graph[other]) == {}


def test_no_domain_app_imports_a_feature_or_the_project():
    def allowed(app, other):
        return other not in FEATURES | PROJECT

    assert imports_refused(DOMAIN | BASE, allowed=allowed) == {}


def test_the_base_imports_no_app():
    assert imports_refused(BASE, allowed=lambda app, other: False) == {}


def test_accounts_imports_only_the_base():
    assert imports_refused({"accounts"}, allowed=lambda app, other: other in BASE) == {}


def test_strategy_imports_no_other_domain_app_but_accounts():
    def allowed(app, other):
        return other in BASE | {"accounts"}

    assert imports_refused({"strategy"}, allowed=allowed) == {}


def test_a_domain_app_imports_only_the_base_accounts_and_strategy():
    def allowed(app, other):
        return other in BASE | {"accounts", "strategy"}

    assert imports_refused(DOMAIN, allowed=allowed) == {}


def test_a_feature_imports_no_other_feature_but_the_public_composition():
    def allowed(app, other):
        return other not in FEATURES or (app, other) in FEATURE_USES

    assert imports_refused(FEATURES, allowed=allowed) == {}


def test_the_reader_finds_imports_inside_functions(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("import os\n\ndef later():\n    from strategy.models import Strategy\n")

    assert imported_apps(module) == {"strategy"}
