"""The import graph between Forsa's apps, read from the source with ``ast``.

    python scripts/import_graph.py            # edges (app -> app, number of import statements), cycles, upward arrows
    python scripts/import_graph.py --edges    # the edges only, one "a -> b  n" a line

Templates are read too (``template_graph``): ``{% url 'app:…' %}``, ``{% include "app/…" %}`` and
``{% extends "app/…" %}`` in ``forsa/<app>/templates/`` are arrows from that app to the one named,
held to the same floors. ``forsa/templates/`` (base.html, the site's menu) is the composition root.

An app is a package directly under ``forsa/`` (``forsa/learners/``…). Every ``import`` and
``from … import`` in every module of an app counts, at any depth (inside a function too: a lazy
import is still a dependency), migrations included; absolute (``forsa.centers.models``) and relative
(``..centers.models``) forms both. The modules at the top of the package (``forsa/urls.py``,
``forsa/api.py``, ``forsa/settings.py``) are the composition root that mounts every app; they are
not an app and are not in the graph.

``FLOORS`` is where the layers are declared, once, from the ground up (docs/architecture.md
explains them; DESIGN.md states the same): an app may import only apps on a lower floor, never
one on its own floor or above. ``tests/core/test_layers.py`` enforces it over this graph.
"""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter
from pathlib import Path

PACKAGE = "forsa"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

# From the ground up. An app imports only apps on a lower floor.
FLOORS: list[tuple[str, ...]] = [
    ("core",),
    ("audit", "documents", "territory"),
    ("organizations",),
    ("centers",),
    ("accounts",),
    ("learners",),
    ("notifications",),
    ("attendance", "assessments"),
    ("conventions", "earlywarning"),
    ("reporting", "exchange"),
    ("demo",),
]

# Known arrows against the floors not removed yet, each with its reason, which the layering test accepts.
# The list only shrank, and it is empty now (the last, assessments -> attendance, went with issue 10):
# tests/core/test_layers.py keeps it so, since a new arrow is removed, not listed.
PENDING: dict[tuple[str, str], str] = {}


def floor_of(floors: list[tuple[str, ...]] = FLOORS) -> dict[str, int]:
    """Each app's floor number (1 = the ground)."""
    return {app: number for number, apps in enumerate(floors, start=1) for app in apps}


def apps_of(root: Path = ROOT) -> list[str]:
    """The apps: packages directly under the root package."""
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def _imported_modules(tree: ast.AST, module: str, is_package: bool) -> list[str]:
    """Absolute dotted names of every module imported anywhere in a module's tree."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing module's package
                parts = module.split(".")
                base = parts if is_package else parts[:-1]
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            names.append(target)
            # "from forsa import centers" and "from forsa.x import y" where y is a module.
            names.extend(f"{target}.{alias.name}" for alias in node.names if target == PACKAGE)
    return names


def import_graph(root: Path = ROOT) -> Counter[tuple[str, str]]:
    """Counter of (importing app, imported app) -> number of import statements naming it."""
    edges: Counter[tuple[str, str]] = Counter()
    apps = set(apps_of(root))
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root.parent).with_suffix("")
            is_package = relative.name == "__init__"
            parts = relative.parts[:-1] if is_package else relative.parts
            module = ".".join(parts)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for name in _imported_modules(tree, module, is_package):
                pieces = name.split(".")
                if len(pieces) >= 2 and pieces[0] == PACKAGE and pieces[1] in apps and pieces[1] != app:
                    edges[(app, pieces[1])] += 1
    return edges


TEMPLATE_REFERENCE = re.compile(r"""\{%\s*(?:url\s+['"]([a-z_]+):|(?:include|extends)\s+['"]([a-z_]+)/)""")


def template_graph(root: Path = ROOT) -> Counter[tuple[str, str]]:
    """Counter of (app whose template refers, app referred to) -> number of references."""
    edges: Counter[tuple[str, str]] = Counter()
    apps = set(apps_of(root))
    for app in apps:
        for path in sorted((root / app / "templates").rglob("*.html")):
            for match in TEMPLATE_REFERENCE.finditer(path.read_text(encoding="utf-8")):
                target = match.group(1) or match.group(2)
                if target in apps and target != app:
                    edges[(app, target)] += 1
    return edges


def cycles(edges) -> list[list[str]]:
    """The strongly connected components of more than one app (each holds at least one cycle)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:  # Tarjan
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def two_way(edges) -> list[tuple[str, str]]:
    """Pairs of apps that import each other."""
    return sorted((a, b) for a, b in edges if a < b and (b, a) in edges)


def violations(edges, floors: list[tuple[str, ...]] = FLOORS) -> dict[tuple[str, str], str]:
    """Arrows that do not go down, each with why: to an app on the same floor or above, or with no floor."""
    floor = floor_of(floors)
    found = {}
    for (a, b), count in sorted(edges.items()):
        if a not in floor or b not in floor:
            missing = ", ".join(x for x in (a, b) if x not in floor)
            found[(a, b)] = f"{a} -> {b} ({count}): no floor declared for {missing}"
        elif floor[b] >= floor[a]:
            where = "the same floor" if floor[b] == floor[a] else "a floor above"
            found[(a, b)] = f"{a} (floor {floor[a]}) -> {b} (floor {floor[b]}) ({count}): {b} is on {where}"
    return found


def main(argv: list[str]) -> int:
    edges = import_graph()
    print(f"# import graph between forsa apps: {len(edges)} edges, {sum(edges.values())} import statements")
    for (a, b), count in sorted(edges.items()):
        print(f"{a} -> {b}  {count}")
    if "--edges" in argv:
        return 0
    print("\n# two-way pairs")
    for a, b in two_way(edges):
        print(f"{a} <-> {b}")
    print("\n# cycles (strongly connected groups of apps)")
    for component in cycles(edges):
        print(" ".join(component))
    print("\n# arrows against the floors (FLOORS in this script)")
    for (a, b), why in violations(edges).items():
        print(why + ("  [pending: " + PENDING[(a, b)] + "]" if (a, b) in PENDING else ""))
    templates = template_graph()
    print(f"\n# template references between apps (url, include, extends): {len(templates)} edges")
    for (a, b), count in sorted(templates.items()):
        print(f"{a} -> {b}  {count}")
    print("\n# template references against the floors")
    for (a, b), why in violations(templates).items():
        print(why + ("  [pending]" if (a, b) in PENDING else ""))
    core_out = sorted(b for a, b in edges if a == "core")
    print(f"\n# core imports: {', '.join(core_out) if core_out else 'no Forsa app'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
