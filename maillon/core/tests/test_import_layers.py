"""Models never import views: a page renders through its template and context (content's
MaillonPage.get_context), the view imports the model. Checked two ways: statically (no
models module of any app imports a views module, not even inside a function) and for real
(importing maillon.content.models in a fresh interpreter loads no views module), plus the
content app's own imports form no circle."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the maillon package
REPO = ROOT.parent


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function, as dotted names
    (relative imports resolved against the file's package)."""
    package = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)  # « from . import views »
    return found


def is_views(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return module.startswith("maillon.") and (last == "views" or last.startswith("views_"))


def test_no_models_module_imports_a_views_module():
    offenders = {str(path.relative_to(REPO)): sorted(filter(is_views, imported_modules(path)))
                 for path in sorted(ROOT.glob("*/models.py")) + sorted(ROOT.glob("*/models/*.py"))}
    assert {path: views for path, views in offenders.items() if views} == {}


def test_the_content_app_imports_form_no_circle():
    app = ROOT / "content"
    names = {f"maillon.content.{path.stem}": path for path in app.glob("*.py") if path.stem != "__init__"}
    graph = {name: {m for m in imported_modules(path) if m in names and m != name} for name, path in names.items()}
    circles, state = [], {}

    def visit(name, trail):
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                circles.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert circles == []


def test_importing_the_content_models_loads_no_views_module():
    code = ("import django, sys; django.setup(); import maillon.content.models; "
            "print(sorted(m for m in sys.modules if m.startswith('maillon.') and m.rsplit('.', 1)[-1].startswith('views')))")
    env_settings = "maillon.settings_test"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=REPO,  # noqa: S603
                            env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": env_settings})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
