"""core.sections: what upper apps add to a lower app's pages and lists, without the lower app importing them."""

from forsa.core import sections


def test_query_extensions_apply_in_order_once_each():
    name = "tests.things"
    calls = []

    def first(queryset, *, user):
        calls.append(("first", user))
        return [*queryset, 1]

    def second(queryset, *, user):
        calls.append(("second", user))
        return [*queryset, 2]

    sections.register_query(name, first)
    sections.register_query(name, second)
    sections.register_query(name, first)  # registering again (ready() run twice) adds nothing
    assert sections.extend_query(name, [0], user="u") == [0, 1, 2]
    assert calls == [("first", "u"), ("second", "u")]
    assert sections.extend_query("tests.nothing-registered", [0], user="u") == [0]


def test_the_apps_register_what_the_lower_pages_show():
    """The learner file, a province and an association get their sections from the upper apps."""
    templates = {page: [s.template for s in sections._REGISTRY[page]]
                 for page in ("learners.file", "territory.province", "organizations.association")}
    assert templates["learners.file"][:2] == ["attendance/learner_section.html", "assessments/learner_section.html"]
    assert "earlywarning/learner_section.html" in templates["learners.file"]
    assert templates["territory.province"] == ["centers/province_section.html"]
    assert templates["organizations.association"] == ["centers/association_section.html"]
    for name in ("territory.regions", "territory.provinces", "organizations.associations"):
        assert sections._QUERIES[name], name
