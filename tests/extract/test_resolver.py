"""The resolver merges spellings of one person and refuses ambiguous surnames."""

from extract.names import entity_id, name_key
from extract.resolver import EntityResolver


def test_name_key_folds_case_accents_qualifiers_and_spacing() -> None:
    assert name_key("  Patrick   Magee (actor) ") == "patrick magee"
    assert name_key("Hardy Krüger") == name_key("hardy kruger") == "hardy kruger"
    assert name_key("Ryan O'Neal") == "ryan oneal"
    assert name_key("ＫＵＢＲＩＣＫ") == "kubrick"  # NFKC: full-width letters
    assert entity_id("Person", name_key("Stanley Kubrick")) == "person/stanley-kubrick"


def test_spellings_and_surname_in_movie_context_resolve_to_one_node() -> None:
    resolver = EntityResolver()
    kubrick = resolver.register("Person", "Stanley Kubrick", movie_id="barry-lyndon", external_id="nm0000040")
    assert resolver.register("Person", "stanley  kubrick", movie_id="the-shining") == kubrick
    context = resolver.people_of("barry-lyndon")
    assert resolver.resolve("Person", "STANLEY KUBRICK") == kubrick
    assert resolver.resolve("Person", "Kubrick", context) == kubrick
    assert resolver.resolve("Person", "Kubrick") is None  # no context: a bare surname names nobody
    rows = {row["entity_id"]: row for row in resolver.entity_rows("b1")}
    assert rows[kubrick]["name"] == "Stanley Kubrick" and rows[kubrick]["imdb_id"] == "nm0000040"
    aliases = {(a["alias"], a["entity_id"]) for a in resolver.alias_rows()}
    assert {("stanley kubrick", kubrick)} <= aliases


def test_ambiguous_surname_stays_unresolved_and_most_frequent_spelling_wins() -> None:
    resolver = EntityResolver()
    walter = resolver.register("Person", "Walter Hill (director)", movie_id="m1")
    resolver.register("Person", "Walter Hill", movie_id="m2")
    resolver.register("Person", "Walter Hill", movie_id="m3")
    resolver.register("Person", "George Roy Hill", movie_id="m1")
    assert resolver.resolve("Person", "Hill", resolver.people_of("m1")) is None
    assert resolver.resolve("Person", "Hill", resolver.people_of("m2")) == walter
    assert resolver.name_of(walter) == "Walter Hill"
    assert len([r for r in resolver.entity_rows("b1") if r["kind"] == "Person"]) == 2


def test_same_name_of_different_kinds_are_different_nodes() -> None:
    resolver = EntityResolver()
    assert resolver.register("Country", "Georgia") == "country/georgia"
    assert resolver.register("Person", "Georgia") == "person/georgia"
    assert resolver.register("Person", "()") is None


def test_every_attribute_the_crawl_delivers_maps_to_an_ontology_relation() -> None:
    from crawl.fields import ATTRIBUTES
    from extract.relations import GRAPH_RELATIONS
    from extract.structured import structured_relations

    rows = [{"movie_id": "m1", "attribute": a, "value": "Some Name", "source_url": "http://127.0.0.1/m1"}
            for a in ATTRIBUTES]
    relations, failures = structured_relations(rows, EntityResolver(), "b1")
    assert failures == []
    assert {r["relation"] for r in relations} <= GRAPH_RELATIONS
    assert {"music_by", "cinematography_by", "edited_by", "distributed_by", "based_on"} <= {r["relation"] for r in relations}
