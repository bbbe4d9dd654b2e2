"""Closed namespaces: a misspelled term fails at import, not silently in the graph.

``ELI`` holds the terms of the European Legislation Identifier ontology that we use;
``AIACT`` the terms of our own ontology (``ontology/``) that the Python code names. A test
checks every ``AIACT`` term against the ontology files, so code and ontology cannot drift.
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

#: Default base of every IRI we mint; configurable (``--base`` / ``AIACT_KG_BASE``).
DEFAULT_BASE = "https://w3id.org/aiact-kg/"
#: The Official Journal ELI of the act.
OJ_ELI = "http://data.europa.eu/eli/reg/2024/1689/oj"
#: Our ontology namespace: it does not move with the data base, like any vocabulary.
ONTOLOGY_NS = "https://w3id.org/aiact-kg/ontology#"


class ELI(DefinedNamespace):
    """European Legislation Identifier ontology (http://data.europa.eu/eli/ontology#)."""

    _fail = True
    _NS = Namespace("http://data.europa.eu/eli/ontology#")

    LegalResource: URIRef
    LegalResourceSubdivision: URIRef
    LegalExpression: URIRef
    is_part_of: URIRef
    has_part: URIRef
    number: URIRef
    title: URIRef
    cites: URIRef
    cited_by: URIRef
    date_document: URIRef
    date_publication: URIRef
    first_date_entry_in_force: URIRef
    id_local: URIRef
    is_realized_by: URIRef
    realizes: URIRef
    language: URIRef


class AIACT(DefinedNamespace):
    """The terms of our ontology that the code names (``ontology/``)."""

    _fail = True
    _NS = Namespace(ONTOLOGY_NS)

    # the text
    Preamble: URIRef
    Citation: URIRef
    Recital: URIRef
    EnactingTerms: URIRef
    Chapter: URIRef
    Section: URIRef
    Article: URIRef
    Paragraph: URIRef
    Subparagraph: URIRef
    Point: URIRef
    Annex: URIRef
    AnnexSection: URIRef
    Footnote: URIRef
    FinalPart: URIRef
    ActVersion: URIRef
    text: URIRef
    closingText: URIRef
    printedLabel: URIRef
    order: URIRef
    hasFootnote: URIRef
    referencedIn: URIRef
    linkedProvision: URIRef
    sharedTerm: URIRef
    inVersion: URIRef
    versionOf: URIRef
    citesOtherAct: URIRef
    textMissingIn: URIRef
    # related recitals
    RecitalLink: URIRef
    explainedBy: URIRef
    linkedArticle: URIRef
    linkedRecital: URIRef
    linkScore: URIRef
    linkMethod: URIRef
    # the model of the law (ontology/artefacts.ttl), as the reasoner names it
    AISystem: URIRef
    GeneralPurposeAIModel: URIRef
    claimsDerogation: URIRef
    basedOnModel: URIRef
    # validation of a described system (validation.py)
    AISystem: URIRef
    GeneralPurposeAIModel: URIRef
    Provider: URIRef
    Deployer: URIRef
    Importer: URIRef
    Distributor: URIRef
    AuthorisedRepresentative: URIRef
    hasProvider: URIRef
    hasDeployer: URIRef
    hasImporter: URIRef
    hasDistributor: URIRef
    hasAuthorisedRepresentative: URIRef
    usedFor: URIRef
    usesPractice: URIRef
    productCoveredBy: URIRef
    listedIn: URIRef
    checksObligation: URIRef
    classifiedUnder: URIRef
    prohibitedUnder: URIRef
    riskTier: URIRef
    MinimalRisk: URIRef
    obligation: URIRef
    applicableFrom: URIRef
    excerpt: URIRef
    excerptAlignment: URIRef
    excerptIn: URIRef
    AlignedSentences: URIRef
    WholeProvisionText: URIRef
    # reading other vocabularies (mapping.py, vocabularies.py)
    KnownNamespace: URIRef
    termListFile: URIRef
    completeTermList: URIRef
    aliasOf: URIRef
    mapsDomain: URIRef
    mapsExcludedDomain: URIRef
    mapsPurpose: URIRef
    mapsCapability: URIRef
    mapsAlsoCapability: URIRef
    mapsSystemType: URIRef
    mapsSubject: URIRef
    mapsLocality: URIRef
    mapsDeployer: URIRef
    mapsToUseCase: URIRef
    impliesTrue: URIRef
    impliesContext: URIRef
    impliesPersons: URIRef
    impliesArea: URIRef
    requiresSubjectAtRisk: URIRef
    alsoStatedBy: URIRef
    DeployerMapping: URIRef
    AnnexIIIMapping: URIRef
    PropertyMapping: URIRef
    ContextMapping: URIRef
    InformationKind: URIRef
    PersonsInformation: URIRef
    ImpactInformation: URIRef
    PurposeInformation: URIRef
    ContextInformation: URIRef
    SectorInformation: URIRef
    usedIn: URIRef
    affectedPersons: URIRef
    usedInArea: URIRef
    hasMeasure: URIRef
    InsufficientInformation: URIRef
    InitialProvider: URIRef
    ProhibitedAISystem: URIRef
    rebrandedBy: URIRef
    substantiallyModifiedBy: URIRef
    repurposedBy: URIRef
