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
example (``tests/test_shacl.py``, and with :class:`OneCall` the whole reports,
``tests/test_validation_reports.py``).

The value nodes of a property shape (SHACL, section 2.3.1: the nodes its ``sh:path`` reaches
from a focus node) are found once per path and focus node in a validation: the obligation
shapes (``shapes/high-risk-provider.ttl`` and its siblings) nearly all follow the one path
``( aiact:hasMeasure rdf:type [ sh:zeroOrMorePath rdfs:subClassOf ] )`` from the same system,
each written as its own list, and pyshacl walked it again for each, which was more than half of
the time of a validation. Two paths are the same when they are written alike (the same
properties in the same path expressions, SHACL section 2.3.1), whichever nodes spell them; the
graph does not change while the shapes are evaluated (the rules have all run), so a path
walked once from a focus node gives what walking it again would.

pyshacl writes each result twice: as triples and as a paragraph of text (for its
``results_text``), which it builds by turning the shape, the focus node, the path and the value
into Turtle; the engine reads the triples alone, and the text is not written while a prepared
validation runs (a tenth of a validation with twenty findings). The shapes evaluated only for
whether a node conforms (under ``sh:qualifiedValueShape``, ``sh:not``, ``sh:and``, ``sh:or``,
``sh:xone``), whose results pyshacl discards, make them without the message it writes from the
value (most of the time of the qualified value shape of Article 43(2) over a dozen measures).
``bench/validate.py`` measures the engine against the same prepared shapes without these
shortcuts.

Not thread-safe: pyshacl's shape objects are shared; the caller holds a lock.
"""

from __future__ import annotations

import logging
import weakref

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


class OneCall:
    """The shapes run by one :func:`validate_plainly` call per data graph, as a
    :class:`PreparedShapes` is run: the reference ``tests/test_validation_reports.py`` compares
    the engine's reports against and a baseline of ``bench/validate.py``."""

    def __init__(self, graph: rdflib.Graph):
        self.graph = graph

    def validate(self, data: rdflib.Graph) -> rdflib.Graph:
        return validate_plainly(data, self.graph)


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

    def any(self) -> bool:
        """Whether the shape targets anything (it has its own focus nodes)."""
        return bool(self.nodes or self.classes or self.subjects_of or self.objects_of or self.queries)


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
    """A shapes graph ready to validate many data graphs (see the module's documentation);
    with ``shortcuts`` false, each shape walks its path itself and every result is written in
    full, as pyshacl does (the baseline of ``bench/validate.py``)."""

    def __init__(self, graph: rdflib.Graph, shortcuts: bool = True):
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

        # each property shape's path, spelt as a value (see _path_key); the shapes' value nodes
        # are found through these walks (see _walking_once); the results no one reads
        # (see _unread_shapes, _route_results)
        self.walks = _Walks({shape: _path_key(self.graph.graph, shape.path()) for shape in self.shapes
                             if shape.is_property_shape} if shortcuts else {},
                            self._unread_shapes() if shortcuts else frozenset(), shortcuts)
        _WALKS[self.graph] = self.walks
        walking_once = _walking_once()
        for shape in self.walks.paths:
            shape.__class__ = walking_once
        _route_results()

    def _unread_shapes(self) -> frozenset:
        """The shapes whose results no one reads: every shape but those a validation reports
        the results of, which are the shapes with targets and, from them, the shapes they
        name with ``sh:property`` and ``sh:node`` (whose results are the details of the node
        constraint's result), and so on. The others are evaluated only as the value of
        ``sh:qualifiedValueShape``, ``sh:not``, ``sh:and``, ``sh:or`` or ``sh:xone`` (or
        below one), or as a rule's ``sh:condition``, where only whether a node conforms
        counts and pyshacl discards the results (SHACL, sections 4.6 and 4.7.3)."""
        shapes = self.graph.graph
        reported = [shape for shape in self.shapes if self.targets(shape).any()]
        seen = set(reported)
        while reported:
            shape = reported.pop()
            for prop in (SH.property, SH.node):
                for node in shapes.objects(shape.node, prop):
                    try:
                        named = self.graph.lookup_shape_from_node(node)
                    except KeyError:
                        continue
                    if named not in seen:
                        seen.add(named)
                        reported.append(named)
        return frozenset(shape for shape in self.shapes if shape not in seen)

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
            # the rules have run: the graph stays as it is while the shapes are evaluated
            self.walks.start(graph)
            for shape in self.shapes:
                conform, found = shape.validate(self.executor, graph, focus=self.focus_nodes(shape, memo))
                conforms = conforms and conform
                reports.extend(found)
        finally:
            self.walks.stop()
            if self.functions:
                unapply_functions(self.functions, graph)
        return _results_graph(reports, conforms)


#: The path expressions of SHACL (section 2.3.1.2 to 2.3.1.6), each spelt as a one-value node.
_PATH_OPERATORS = (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)


def _path_key(shapes: rdflib.Graph, path, depth: int = 0):
    """A property path as a value that two paths written alike share: an IRI itself, a
    sequence as a tuple of its members, an alternative as ("alternative", members), an inverse
    or repeated path as (its operator, the path). A node that is not one of these (it is no
    path SHACL defines) is kept as it is: only it is its own path."""
    if isinstance(path, URIRef) or depth > 16:
        return path
    if (path, RDF.first, None) in shapes:
        return ("sequence",) + tuple(_path_key(shapes, item, depth + 1) for item in shapes.items(path))
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return ("alternative",) + tuple(_path_key(shapes, item, depth + 1) for item in shapes.items(alternatives))
    for operator in _PATH_OPERATORS:
        inner = shapes.value(path, operator)
        if inner is not None:
            return (operator, _path_key(shapes, inner, depth + 1))
    return path


class _Walks:
    """The paths walked in the validation under way: (path, focus node) -> value nodes, kept
    while the shapes are evaluated over one graph; the shapes whose results no one reads."""

    def __init__(self, paths: dict, unread: frozenset = frozenset(), shortcuts: bool = True):
        self.paths, self.unread, self.shortcuts = paths, unread, shortcuts
        self.graph = None
        self.walked: dict = {}

    def start(self, graph) -> None:
        self.graph, self.walked = graph, {}

    def stop(self) -> None:
        self.graph, self.walked = None, {}


#: The walks of each prepared shapes graph (pyshacl's ``ShapesGraph``), which its shapes read.
_WALKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_WALKING_ONCE: list = []


def _walking_once():
    """pyshacl's ``Shape`` whose ``value_nodes`` walks a path once per focus node in a
    validation (see :class:`_Walks`) and otherwise as pyshacl does; prepared property shapes
    are made of this class (it adds no state: ``__slots__`` is empty)."""
    if not _WALKING_ONCE:
        from pyshacl.shape import Shape

        class WalkingOnce(Shape):
            __slots__ = ()

            def value_nodes(self, target_graph, focus, sparql_mode: bool = False, debug: bool = False):
                walks = _WALKS.get(self.sg)
                if walks is None or walks.graph is not target_graph or sparql_mode or self not in walks.paths:
                    return super().value_nodes(target_graph, focus, sparql_mode=sparql_mode, debug=debug)
                if not isinstance(focus, (tuple, list, set)):
                    focus = [focus]
                key, found = walks.paths[self], {}
                for node in focus:
                    values = walks.walked.get((key, node))
                    if values is None:
                        values = walks.walked[(key, node)] = frozenset(super().value_nodes(target_graph, node)[node])
                    found[node] = set(values)  # a set of its own: a constraint may change it
                return found

        _WALKING_ONCE.append(WalkingOnce)
    return _WALKING_ONCE[0]


def _route_results() -> None:
    """Route pyshacl's making of a result (``ConstraintComponent.make_v_result``) and of its
    text (``make_v_result_description``) past a prepared validation under way: a result of a
    shape whose results no one reads (:meth:`PreparedShapes._unread_shapes`) is its node with
    its type, shape, component, focus node and severity, without the message pyshacl would
    write for it from the value (turning nodes into Turtle, which was most of the time of a
    qualified value shape over a dozen measures); no result gets the text (``_results_graph``
    does not read it). Any other validation, in this process or thread, gets pyshacl's."""
    from pyshacl.constraints.constraint_component import ConstraintComponent

    make = getattr(ConstraintComponent, "make_v_result", None)
    describe = getattr(ConstraintComponent, "make_v_result_description", None)
    if make is None or describe is None or getattr(make, "prepared", False):  # another pyshacl, or routed
        return

    def under_way(component):
        walks = _WALKS.get(component.shape.sg)
        return walks if walks is not None and walks.shortcuts and walks.graph is not None else None

    def make_v_result(self, datagraph, focus_node, *args, **kwargs):
        walks = under_way(self)
        if walks is None or self.shape not in walks.unread:
            return make(self, datagraph, focus_node, *args, **kwargs)
        # (value_node, result_path, constraint_component, ...) may come by position
        constraint_component = kwargs.get("constraint_component") or (args[2] if len(args) > 2 else None)
        node = BNode()
        return "", node, [(node, RDF.type, SH.ValidationResult),
                          (node, SH.sourceConstraintComponent, constraint_component or self.shacl_constraint_component),
                          (node, SH.sourceShape, self.shape.node), (node, SH.resultSeverity, self.shape.severity),
                          (node, SH.focusNode, focus_node)]

    def make_v_result_description(self, *args, **kwargs):
        return "" if under_way(self) is not None else describe(self, *args, **kwargs)

    for routed, original in ((make_v_result, make), (make_v_result_description, describe)):
        routed.prepared, routed.__wrapped__ = True, original
    ConstraintComponent.make_v_result = make_v_result
    ConstraintComponent.make_v_result_description = make_v_result_description


def _results_graph(reports: list, conforms: bool) -> rdflib.Graph:
    """The ``sh:ValidationReport`` of pyshacl's results, with the triples pyshacl's Validator
    writes of each result (without the text rendering and the prefixes of the shapes graph).
    The nodes a result names (its focus node, shape, path, value) are the nodes themselves,
    blank ones under their own identifiers; what hangs from them stays in the data and shapes
    graphs: the Validator copies it in (a blank focus node with its whole description, a path
    with its list), which was about a sixth of the time of a validation with twenty findings,
    and nothing reads it (``validation.Engine`` reads each result's own triples)."""
    graph = rdflib.Graph()
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(conforms)))
    for _, result, triples in reports:
        graph.add((report, SH.result, result))
        for s, p, o in triples:
            graph.add((s, p, o[1] if isinstance(o, tuple) else o))
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
