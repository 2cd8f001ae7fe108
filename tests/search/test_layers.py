"""The search app sits below the domain: it imports nothing from documents, tasks,
disclosure, public or staff (imports inside functions included), and its analyzer needs no
Django at all."""

import grimp

HIGHER = ("documents", "tasks", "disclosure", "public", "staff", "benxi_gazette")


def test_search_imports_nothing_from_the_layers_above():
    graph = grimp.build_graph("search", *HIGHER, "core", "departments", cache_dir=None)
    found = {
        (importer, imported)
        for importer in graph.find_descendants("search") | {"search"}
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported.split(".")[0] in HIGHER
    }
    assert found == set()
    # and through another package: no chain at all from search up to a domain app
    for package in HIGHER:
        assert not graph.chain_exists(importer="search", imported=package, as_packages=True)


def test_the_analyzer_is_pure_python():
    graph = grimp.build_graph("search", include_external_packages=True, cache_dir=None)
    assert "django" in graph.modules  # the app itself does use Django
    assert graph.find_shortest_chain(importer="search.analyzer", imported="django") is None
