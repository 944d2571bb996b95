"""The vocabulary the crawl writes: kinds of work, entity-valued attributes, reading methods.

``movie_attributes.attribute`` takes schema.org property names (the names real markup
uses), whatever syntax or layout the value was read from; this module is the one list of
them. Literal facts (year, duration, rating) are columns of ``movies`` instead.
"""

from __future__ import annotations

# schema.org types that make a page a movie record, and the kind stored for each.
WORK_KINDS = {"Movie": "Movie", "TVSeries": "TVSeries", "TVEpisode": "TVEpisode", "TVSeason": "TVSeries"}

# Entity-valued attributes, and what kind of thing each value must name.
PERSON_ATTRIBUTES = ("director", "actor", "author", "producer", "musicBy", "cinematographer", "editor")
ORGANIZATION_ATTRIBUTES = ("productionCompany", "distributor")
PLACE_ATTRIBUTES = ("countryOfOrigin",)
CONCEPT_ATTRIBUTES = ("genre", "inLanguage", "basedOn")
ATTRIBUTES = PERSON_ATTRIBUTES + ORGANIZATION_ATTRIBUTES + PLACE_ATTRIBUTES + CONCEPT_ATTRIBUTES

# schema.org Movie properties -> attribute; a plural or older name maps onto the same one.
SCHEMA_PROPERTIES = {
    "director": "director", "directors": "director",
    "actor": "actor", "actors": "actor",
    "author": "author", "creator": "author",
    "producer": "producer",
    "musicBy": "musicBy",
    "productionCompany": "productionCompany",
    "genre": "genre",
    "countryOfOrigin": "countryOfOrigin",
    "inLanguage": "inLanguage",
    "isBasedOn": "basedOn", "isBasedOnUrl": "basedOn",
    "editor": "editor",
    # not a schema.org property: the name app states (crawl.app_state) give a crew job
    "cinematographer": "cinematographer",
}
# When a Person-only property (author, creator, producer) names an Organization, it is
# the studio that made the film: the value moves to this attribute instead of being dropped.
ORGANIZATION_FALLBACK = "productionCompany"

# How a record or field was read, strongest first (a field from an earlier method wins).
METHODS = ("json-ld", "microdata", "rdfa", "mediawiki", "app-state", "opengraph", "html")


def method_rank(method: str) -> int:
    """Position of ``method`` in METHODS (lower is stronger); an unknown method ranks last."""
    return METHODS.index(method) if method in METHODS else len(METHODS)

# Kinds of text a page contributes to ``documents``.
DOCUMENT_KINDS = ("description", "lead", "plot", "cast", "page-text")
