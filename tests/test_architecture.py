"""The no-cycle contract (tests/architecture.py) finds a loop of modules, through any number of
packages, and only a loop; `make lint` runs it with the layer contracts over the project."""

import grimp
from architecture import AcyclicModulesContract, _cycles


def _graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported)
    return graph


def test_a_loop_across_packages_is_reported_with_every_module_in_it():
    graph = _graph(
        ("documents.services", "tasks.services"),
        ("tasks.services", "disclosure.services"),
        ("disclosure.services", "documents.services"),
        ("documents.api", "documents.services"),  # leads into the loop, is not part of it
    )
    modules = set(graph.modules)
    assert _cycles(graph, modules) == [
        ["disclosure.services", "documents.services", "tasks.services"]
    ]


def test_imports_without_a_loop_pass():
    graph = _graph(
        ("staff.views", "tasks.services"),
        ("tasks.services", "documents.models"),
        ("staff.views", "documents.models"),
    )
    assert _cycles(graph, set(graph.modules)) == []


def test_the_contract_checks_only_the_packages_it_names():
    graph = _graph(("a.x", "a.y"), ("a.y", "a.x"), ("b.x", "b.y"))
    broken = AcyclicModulesContract(
        name="t", session_options={}, contract_options={"packages": ["a"]}
    ).check(graph, verbose=False)
    kept = AcyclicModulesContract(
        name="t", session_options={}, contract_options={"packages": ["b"]}
    ).check(graph, verbose=False)
    assert not broken.kept and broken.metadata["cycles"] == [["a.x", "a.y"]]
    assert kept.kept
