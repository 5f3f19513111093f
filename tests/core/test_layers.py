"""The layers (docs/architecture.md): an app imports only apps on lower floors; core imports none.

The graph is read from the source by scripts/import_graph.py (``ast``: every import at any depth,
absolute and relative, migrations included); the floors are declared once, in that script's FLOORS,
as DESIGN.md states them.
"""

from collections import Counter

import pytest

from scripts import import_graph as graph


def assert_layered(edges, floors=graph.FLOORS, pending=graph.PENDING):
    """Every arrow goes down a floor (or is a known pending one), and no app is part of a cycle."""
    against = {edge: why for edge, why in graph.violations(edges, floors).items() if edge not in pending}
    assert not against, "imports against the floors:\n" + "\n".join(against.values())
    assert not graph.cycles(edges), f"apps that import each other: {graph.cycles(edges)}"


@pytest.fixture(scope="module")
def edges():
    return graph.import_graph()


def test_every_app_has_a_floor_and_only_one():
    declared = [app for floor in graph.FLOORS for app in floor]
    assert len(declared) == len(set(declared))
    assert set(graph.apps_of()) <= set(declared), set(graph.apps_of()) - set(declared)
    assert graph.FLOORS[0] == ("core",) and graph.FLOORS[-1] == ("demo",)


def test_the_graph_sees_the_apps_imports(edges):
    """The reader is not blind: arrows known to exist are found (a broken reader would pass everything)."""
    assert edges[("learners", "core")] > 0
    assert edges[("centers", "territory")] > 0
    assert edges[("demo", "learners")] > 0


def test_core_imports_no_forsa_app(edges):
    assert [b for a, b in edges if a == "core"] == []


def test_templates_refer_only_to_lower_floors():
    """{% url 'app:…' %}, {% include "app/…" %} and {% extends "app/…" %} follow the floors too."""
    templates = graph.template_graph()
    assert templates[("learners", "core")] > 0  # the reader sees them
    assert [b for a, b in templates if a == "core"] == []
    assert_layered(templates)


def test_the_template_reader_finds_an_upward_link(tmp_path):
    root = tmp_path / "forsa"
    for app in ("territory", "centers"):
        (root / app / "templates" / app).mkdir(parents=True)
        (root / app / "__init__.py").write_text("")
    (root / "territory" / "templates" / "territory" / "x.html").write_text(
        "{% url 'centers:list' %} {% include \"centers/table.html\" %} {% url 'territory:regions' %}")
    templates = graph.template_graph(root)
    assert templates == Counter({("territory", "centers"): 2})
    with pytest.raises(AssertionError, match="centers is on a floor above"):
        assert_layered(templates)


def test_every_import_goes_down_a_floor(edges):
    assert_layered(edges)


def test_nothing_in_the_product_imports_demo(edges):
    assert [a for a, b in edges if b == "demo"] == []


def test_no_arrow_against_the_floors_is_pending_any_more():
    """PENDING only shrinks, and its last arrow (assessments -> attendance) is gone: a new one is removed."""
    assert graph.PENDING == {}


def test_an_upward_arrow_fails():
    """A deliberately broken graph: territory importing centers (a floor above), and a two-way pair."""
    broken = Counter({("centers", "territory"): 3, ("territory", "centers"): 1, ("learners", "core"): 2})
    with pytest.raises(AssertionError, match=r"territory \(floor 2\) -> centers \(floor 4\)"):
        assert_layered(broken)
    assert graph.cycles(broken) == [["centers", "territory"]]


def test_an_import_on_the_same_floor_or_from_an_unknown_app_fails():
    with pytest.raises(AssertionError, match="same floor"):
        assert_layered(Counter({("audit", "documents"): 1}))
    with pytest.raises(AssertionError, match="no floor declared for newapp"):
        assert_layered(Counter({("newapp", "core"): 1}))


def test_a_downward_graph_passes():
    assert_layered(Counter({("learners", "centers"): 4, ("centers", "core"): 1, ("demo", "learners"): 1}))


def test_the_reader_finds_relative_lazy_and_absolute_imports(tmp_path):
    """A fake package on disk: core importing learners three ways is three arrows up."""
    root = tmp_path / "forsa"
    for app in ("core", "learners"):
        (root / app / "sub").mkdir(parents=True)
        (root / app / "__init__.py").write_text("")
        (root / app / "sub" / "__init__.py").write_text("")
    (root / "learners" / "models.py").write_text("")
    (root / "core" / "views.py").write_text("from forsa.learners.models import Learner\n")
    (root / "core" / "sub" / "deep.py").write_text("def f():\n    from ...learners import models\n")
    (root / "core" / "sub" / "__init__.py").write_text("import forsa.learners.models\n")
    (root / "learners" / "sub" / "ok.py").write_text("from ...core import views\nfrom . import x\n")
    edges = graph.import_graph(root)
    assert edges == Counter({("core", "learners"): 3, ("learners", "core"): 1})
    with pytest.raises(AssertionError, match=r"core \(floor 1\) -> learners \(floor 6\)"):
        assert_layered(edges)
