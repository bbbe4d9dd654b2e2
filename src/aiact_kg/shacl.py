"""The shapes of ``shapes/``, prepared once for pyshacl and run over one description at a time.

``pyshacl.validate`` starts from the shapes graph on every call: it finds the shapes again,
binds their targets, gathers the SHACL-AF rules (collecting the prefixes of every SPARQL
query), and, for each of the ~170 shapes, looks for its focus nodes in the data graph; the
SPARQL targets of the obligation shapes (``shapes/high-risk-provider.ttl`` and its siblings)
run one and the same query once per shape. Profiled on the examples, these preparations and
the targets were about half of the time of a validation.

:class:`PreparedShapes` does the preparations once per process, with pyshacl's own objects
(``ShapesGraph``, its shapes, rules, target types and functions), and finds the focus nodes of
each shape by the definitions pyshacl applies (SHACL, section 2.1.3: ``sh:targetNode``,
``sh:targetClass`` and implicit class targets with their SHACL subclasses,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``; SHACL Advanced Features, section 5:
``sh:SPARQLTarget`` and SPARQL-based target types), running each distinct target query once
per state of the graph. Everything else is pyshacl's: the rules apply in the order of their
shape's ``sh:order`` and their own, each to its shape's focus nodes as the graph stands when
it runs; every constraint of every shape is evaluated by pyshacl's constraint components; the
results are pyshacl's. :func:`validate_plainly` is the one-call ``pyshacl.validate`` the
engine used before, kept as the reference the tests compare the prepared run against on every
example (``tests/test_shacl.py``).

Not thread-safe: pyshacl's shape objects are shared; the caller holds a lock.
"""

from __future__ import annotations

import logging

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

#: pyshacl's own options of the engine's run: SHACL-AF (rules, SPARQL targets), no RDFS or OWL
#: inference, the data graph changed in place (the rules' conclusions are read from it after),
#: warnings and infos do not make a description non-conformant.
OPTIONS = dict(advanced=True, inference="none", inplace=True, allow_warnings=True, allow_infos=True)

_LOG = logging.getLogger(__name__)


def validate_plainly(data: rdflib.Graph, shapes: rdflib.Graph) -> rdflib.Graph:
    """The results graph of one ``pyshacl.validate`` call with the engine's options (the
    shapes read afresh, every target searched by pyshacl); ``data`` takes the rules'
    conclusions."""
    import pyshacl

    _, results, _ = pyshacl.validate(data, shacl_graph=shapes, **OPTIONS)
    return results


class _Targets:
    """What one shape targets, read once from the shapes graph: the nodes, the classes
    (explicit and implicit), the properties whose subjects and objects it targets, and its
    SPARQL target queries as (query text with its prefixes, pre-bound parameters)."""

    __slots__ = ("nodes", "classes", "subjects_of", "objects_of", "queries")

    def __init__(self, shape):
        from pyshacl.consts import SH_SPARQLTarget

        nodes, classes, implicit, objects_of, subjects_of = shape.target()
        self.nodes = frozenset(nodes)
        self.classes = tuple(dict.fromkeys([*classes, *implicit]))
        self.subjects_of, self.objects_of = tuple(subjects_of), tuple(objects_of)
        queries = []
        for declaration, target in (shape.advanced_target() if shape._advanced else {}).items():
            kind = target.get("type")
            if kind == SH_SPARQLTarget:
                helper, bindings = target["qh"], {}
            elif "qt" in target:  # a SPARQL-based target type, bound to its parameters
                helper = target["qt"].query_helper
                bindings = dict(helper.param_bind_map)
            else:
                raise ValueError(f"target {declaration} of shape {shape.node}: only SPARQL targets are supported "
                                 "(no JavaScript)")
            queries.append((helper.apply_prefixes(helper.select_text), bindings))
        self.queries = tuple(queries)


class _Memo:
    """Answers about one data graph, kept while the graph keeps its size: rules only add
    triples, so a graph of the same size is the same graph."""

    def __init__(self, graph):
        self.graph = graph
        self.size = -1
        self.instances: dict = {}
        self.selected: dict = {}

    def fresh(self) -> None:
        size = len(self.graph)
        if size != self.size:
            self.size = size
            self.instances.clear()
            self.selected.clear()

    def instances_of(self, cls) -> set:
        """The SHACL instances of a class: typed with it or with one of its SHACL subclasses
        (``rdfs:subClassOf*`` in the data graph), as pyshacl finds them."""
        found = self.instances.get(cls)
        if found is None:
            graph = self.graph
            found = set(graph.subjects(RDF.type, cls))
            for sub in graph.transitive_subjects(RDFS.subClassOf, cls):
                if sub != cls:
                    found.update(graph.subjects(RDF.type, sub))
            self.instances[cls] = found
        return found

    def select(self, text: str, bindings: dict) -> list:
        key = (text, tuple(sorted(bindings.items())))
        found = self.selected.get(key)
        if found is None:
            results = self.graph.query(text, initBindings=bindings or None)
            found = [row["this"] for row in results] if results and len(results.bindings) else []
            self.selected[key] = found
        return found


class PreparedShapes:
    """A shapes graph ready to validate many data graphs (see the module's documentation)."""

    def __init__(self, graph: rdflib.Graph):
        from pyshacl.functions import gather_functions
        from pyshacl.monkey import apply_patches
        from pyshacl.pytypes import SHACLExecutor
        from pyshacl.rules import gather_rules
        from pyshacl.shapes_graph import ShapesGraph
        from pyshacl.target import apply_target_types, gather_target_types
        from pyshacl.validator import assign_baked_in

        apply_patches()
        assign_baked_in()
        # the steps of pyshacl's Validator.run that depend on the shapes alone, in its order
        self.graph = ShapesGraph(graph, False, _LOG)
        self.shapes = list(self.graph.shapes)
        self.executor = SHACLExecutor(advanced_mode=OPTIONS["advanced"], allow_infos=OPTIONS["allow_infos"],
                                      allow_warnings=OPTIONS["allow_warnings"])
        target_types = gather_target_types(self.graph)
        self.functions = gather_functions(self.executor, self.graph)
        rules = gather_rules(self.executor, self.graph)
        for shape in self.shapes:
            shape.set_advanced(True)
        apply_target_types(target_types)
        self.rules = [(shape, [r for r in sorted(found, key=lambda r: r.order) if not r.deactivated])
                      for shape, found in sorted(rules.items(), key=lambda item: item[0].order)]
        self._targets: dict = {}

    def targets(self, shape) -> _Targets:
        found = self._targets.get(shape)
        if found is None:
            found = self._targets[shape] = _Targets(shape)
        return found

    def focus_nodes(self, shape, memo: _Memo) -> set:
        """The focus nodes of a shape in the graph as it stands."""
        memo.fresh()
        targets = self.targets(shape)
        found = set(targets.nodes)
        for cls in targets.classes:
            found.update(memo.instances_of(cls))
        graph = memo.graph
        for prop in targets.subjects_of:
            found.update(s for s, _ in graph.subject_objects(prop))
        for prop in targets.objects_of:
            found.update(o for _, o in graph.subject_objects(prop))
        for text, bindings in targets.queries:
            found.update(memo.select(text, bindings))
        return found

    def validate(self, data: rdflib.Graph) -> rdflib.Graph:
        """Apply the rules to ``data`` (in place) and validate it; the results graph, as
        :func:`validate_plainly` makes it."""
        from pyshacl.functions import apply_functions, unapply_functions
        from pyshacl.graph_abstraction import DataGraph

        graph = DataGraph.from_rdflib(data)
        memo = _Memo(graph)
        reports, conforms = [], True
        if self.functions:
            apply_functions(self.executor, self.functions, graph)
        try:
            for shape, rules in self.rules:
                for rule in rules:
                    rule.apply(graph, focus_nodes=self.focus_nodes(shape, memo))
            for shape in self.shapes:
                conform, found = shape.validate(self.executor, graph, focus=self.focus_nodes(shape, memo))
                conforms = conforms and conform
                reports.extend(found)
        finally:
            if self.functions:
                unapply_functions(self.functions, graph)
        return _results_graph(reports, conforms)


def _results_graph(reports: list, conforms: bool) -> rdflib.Graph:
    """The ``sh:ValidationReport`` of pyshacl's results (as its Validator writes it, without the
    text rendering and the prefixes of the shapes graph): nodes of the data graph a result
    names are copied in, a blank node with what hangs from it."""
    from pyshacl.rdfutil import clone_blank_node

    graph = rdflib.Graph()
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(conforms)))
    cloned: dict = {}
    for _, result, triples in reports:
        graph.add((report, SH.result, result))
        for s, p, o in triples:
            if isinstance(o, tuple):
                source, node = o
                if isinstance(node, Literal):
                    o = node
                else:
                    key = (source, str(node))
                    if key not in cloned:
                        cloned[key] = (clone_blank_node(source, node, graph, keepid=True)
                                       if isinstance(node, BNode) else URIRef(str(node)))
                    o = cloned[key]
            graph.add((s, p, o))
    return graph


def result_messages(results: rdflib.Graph, result, shapes: rdflib.Graph) -> dict[str, str]:
    """The messages of one validation result by language ("en", "fr"; "" for one of no
    language). A shape may give its ``sh:message`` in several languages, and pyshacl copies
    each into ``sh:resultMessage``; a SPARQL-based constraint's messages come out with their
    ``{?var}`` filled in and their language tag dropped, so each such message takes the
    language of the template of its constraint (``sh:sourceConstraint``) it is made from."""
    found: dict[str, str] = {}
    untagged = []
    for message in results.objects(result, SH.resultMessage):
        if isinstance(message, Literal) and message.language:
            found.setdefault(message.language.lower(), str(message))
        else:
            untagged.append(str(message))
    if untagged:
        templates = [t for node in (results.value(result, SH.sourceConstraint), results.value(result, SH.sourceShape))
                     if node is not None for t in shapes.objects(node, SH.message)
                     if isinstance(t, Literal) and t.language]
        for text in sorted(untagged):
            lang = next((t.language.lower() for t in templates if _filled(str(t)).fullmatch(text)), "")
            found.setdefault(lang, text)
    return found


def _filled(template: str):
    """A message template as the pattern of its messages: each ``{?var}`` or ``{$var}`` any text."""
    import re

    parts = re.split(r"\{[?$]\w+\}", template)
    return re.compile("(?s:.+?)".join(re.escape(part) for part in parts))
