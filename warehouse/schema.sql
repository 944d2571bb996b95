-- The one warehouse schema. Every stage reads and writes only these tables.
-- Each table has a primary key on its natural id so writes are idempotent upserts,
-- and each row carries the build_id that last wrote it.
--
-- Scope of each table (docs/ARCHITECTURE.md, "Tables"):
--   build-scoped: keyed by build_id; a build's rows are written by that build only and never
--                 changed by a later one (builds, stage_runs, errors, build_movies, triples, metrics).
--   cache:        keyed by a natural id or a content hash, holding the latest version of each thing
--                 any build has seen; a build reads only the rows of its own movies (build_movies),
--                 so a movie that left the site is in no later build but keeps its cached work
--                 for the day it comes back.

-- One row per pipeline run; a build is "published" only when status = 'succeeded'.
-- scope: build-scoped.
CREATE TABLE IF NOT EXISTS builds (
    build_id      VARCHAR PRIMARY KEY,   -- sortable: <UTC timestamp>-<random hex>
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    status        VARCHAR NOT NULL,      -- running | succeeded | failed
    inputs_sha256 VARCHAR,               -- hash of the config and the input files
    config_json   VARCHAR,
    stats_json    VARCHAR,               -- Table-1 statistics, media counts, metrics
    export_dir    VARCHAR
);

-- Wall time and summary of each stage of each build.
-- scope: build-scoped.
CREATE TABLE IF NOT EXISTS stage_runs (
    build_id     VARCHAR NOT NULL,
    stage        VARCHAR NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    seconds      DOUBLE NOT NULL,
    summary_json VARCHAR,
    PRIMARY KEY (build_id, stage)
);

-- Errors are data: one row per failed source per stage per build.
-- scope: build-scoped.
CREATE TABLE IF NOT EXISTS errors (
    build_id    VARCHAR NOT NULL,
    stage       VARCHAR NOT NULL,        -- crawl | extract | media | interactions | kg_build | export | train
    source      VARCHAR NOT NULL,        -- URL, file or id that failed
    reason      VARCHAR NOT NULL,        -- specific, human-readable cause
    recorded_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (build_id, stage, source)
);

-- crawl: every fetched URL; raw bytes live in the blob store under content_sha256.
-- scope: cache by URL (the crawl's HTTP validators).
CREATE TABLE IF NOT EXISTS pages (
    url            VARCHAR PRIMARY KEY,
    status         INTEGER NOT NULL,     -- HTTP status
    kind           VARCHAR NOT NULL,     -- movie | article | listing | other | blocked | error | robots | sitemap
    content_sha256 VARCHAR,
    content_type   VARCHAR,
    etag           VARCHAR,
    last_modified  VARCHAR,
    fetched_at     TIMESTAMP NOT NULL,
    build_id       VARCHAR NOT NULL
);

-- crawl: one row per movie (item node), from Movie markup or a recognisable movie page.
-- movie_id is the item's id across sites: ml<movieId> when linked to MovieLens, else
-- imdb:tt… when an IMDb id is known, else <host>:<record id> (see crawl/identity.py).
-- scope: cache by movie_id; a build's movies are its build_movies rows.
CREATE TABLE IF NOT EXISTS movies (
    movie_id     VARCHAR PRIMARY KEY,
    url          VARCHAR NOT NULL,       -- detail page (the first source, by URL)
    kind         VARCHAR NOT NULL DEFAULT 'Movie',  -- Movie | TVSeries | TVEpisode
    title        VARCHAR NOT NULL,
    year         INTEGER,
    description  VARCHAR,
    movielens_id INTEGER,                -- links interactions to the item
    imdb_id      VARCHAR,                -- tt…
    tmdb_id      VARCHAR,
    duration_min INTEGER,                -- running time
    content_rating VARCHAR,              -- e.g. PG-13
    rating_value DOUBLE,                 -- the page's aggregate rating on a 0-10 scale
    rating_count INTEGER,
    poster_url   VARCHAR,
    trailer_url  VARCHAR,                -- page that embeds the trailer video
    article_url  VARCHAR,                -- Wikipedia-style article, if any
    page_sha256  VARCHAR,
    build_id     VARCHAR NOT NULL
);

-- crawl: every page that described a movie (one item, several sources when sites agree).
-- scope: cache by (movie_id, url), read through build_movies.
CREATE TABLE IF NOT EXISTS movie_sources (
    movie_id   VARCHAR NOT NULL,
    url        VARCHAR NOT NULL,         -- canonical page URL
    site       VARCHAR NOT NULL,         -- host[:port] of the page
    record_id  VARCHAR NOT NULL,         -- the page's own id (@id, url, canonical, page URL)
    method     VARCHAR NOT NULL,         -- how the record was read: json-ld | microdata | rdfa | mediawiki | app-state | opengraph | html
    link_rule  VARCHAR,                  -- how it was linked to MovieLens: imdb | tmdb | movielens | title-year; null = not linked
    build_id   VARCHAR NOT NULL,
    PRIMARY KEY (movie_id, url)
);

-- crawl: which movies each build's crawl saw (a build is a snapshot of these).
-- scope: build-scoped: the snapshot every later stage of the build selects from.
CREATE TABLE IF NOT EXISTS build_movies (
    build_id VARCHAR NOT NULL,
    movie_id VARCHAR NOT NULL,
    PRIMARY KEY (build_id, movie_id)
);

-- crawl: structured fields exactly as the page states them (JSON-LD, microdata, infobox, …).
-- scope: cache by (movie_id, attribute, value), read through build_movies.
CREATE TABLE IF NOT EXISTS movie_attributes (
    movie_id    VARCHAR NOT NULL,
    attribute   VARCHAR NOT NULL,        -- genre | director | actor | author | producer | productionCompany | countryOfOrigin | inLanguage
    value       VARCHAR NOT NULL,
    external_id VARCHAR,                 -- e.g. nm… when the page gives one
    source_url  VARCHAR NOT NULL,
    method      VARCHAR NOT NULL DEFAULT 'json-ld',  -- json-ld | microdata | rdfa | mediawiki | app-state | opengraph | html
    build_id    VARCHAR NOT NULL,
    PRIMARY KEY (movie_id, attribute, value)
);

-- crawl: plain text for extraction (detail page description, article lead and plot).
-- scope: cache by URL, content-hashed; read through build_movies.
CREATE TABLE IF NOT EXISTS documents (
    url            VARCHAR PRIMARY KEY,
    movie_id       VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,     -- description | article
    text           VARCHAR NOT NULL,
    content_sha256 VARCHAR NOT NULL,     -- sha256 of text: extraction is skipped when unchanged
    build_id       VARCHAR NOT NULL
);

-- extract: one node per real-world thing.
-- scope: cache by entity_id; a build's entities are those its relations name.
CREATE TABLE IF NOT EXISTS entities (
    entity_id   VARCHAR PRIMARY KEY,     -- <kind>/<normalised name>, e.g. person/stanley-kubrick
    kind        VARCHAR NOT NULL,        -- Person | Genre | Company | Country | Language
    name        VARCHAR NOT NULL,
    imdb_id     VARCHAR,
    wikidata_id VARCHAR,
    build_id    VARCHAR NOT NULL
);

-- extract: every surface form that resolved to an entity.
-- scope: cache by (alias, kind).
CREATE TABLE IF NOT EXISTS entity_aliases (
    alias     VARCHAR NOT NULL,          -- normalised surface form
    kind      VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    PRIMARY KEY (alias, kind)
);

-- extract: entity mentions found by spaCy in documents.
-- scope: cache by (doc_url, span).
CREATE TABLE IF NOT EXISTS mentions (
    doc_url    VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char   INTEGER NOT NULL,
    surface    VARCHAR NOT NULL,
    label      VARCHAR NOT NULL,         -- spaCy label (PERSON, ORG, GPE, …)
    entity_id  VARCHAR,                  -- null when unresolved
    build_id   VARCHAR NOT NULL,
    PRIMARY KEY (doc_url, start_char, end_char)
);

-- extract: movie --relation--> entity, with provenance.
-- scope: cache by (movie_id, relation, entity_id, extractor), read through build_movies.
CREATE TABLE IF NOT EXISTS relations (
    movie_id   VARCHAR NOT NULL,
    relation   VARCHAR NOT NULL,         -- directed_by | starring | written_by | produced_by | has_genre | produced_in | in_language | made_by
    entity_id  VARCHAR NOT NULL,
    extractor  VARCHAR NOT NULL,         -- structured | spacy-rules-v1 | …
    source_url VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL,
    evidence   VARCHAR,                  -- sentence or field the relation came from
    build_id   VARCHAR NOT NULL,
    PRIMARY KEY (movie_id, relation, entity_id, extractor)
);

-- extract (additive): the character an actor plays ("X as Y") and the text rule that fired.
ALTER TABLE relations ADD COLUMN IF NOT EXISTS qualifier VARCHAR;
ALTER TABLE relations ADD COLUMN IF NOT EXISTS rule VARCHAR;

-- extract: which text each document had when an extractor version last read it (skip if unchanged).
-- scope: content-addressed cache (url, content_sha256, extractor).
CREATE TABLE IF NOT EXISTS extracted_documents (
    url            VARCHAR NOT NULL,
    content_sha256 VARCHAR NOT NULL,
    extractor      VARCHAR NOT NULL,     -- e.g. spacy-rules-v1
    build_id       VARCHAR NOT NULL,
    PRIMARY KEY (url, extractor)
);

-- media: fetched and normalised assets; bytes in the blob store.
-- scope: cache by (movie_id, kind), read through build_movies.
-- status 'skipped': the server or page opted out (X-Robots-Tag noai / noimageai, tdm-reservation)
-- and the opt-out was honoured; the errors row of the same build says which signal.
CREATE TABLE IF NOT EXISTS media_assets (
    movie_id       VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,     -- trailer | poster | audio
    source_url     VARCHAR NOT NULL,
    content_sha256 VARCHAR,              -- normalised bytes; null when status = 'failed'
    status         VARCHAR NOT NULL,     -- ok | failed
    mime           VARCHAR,
    width          INTEGER,
    height         INTEGER,
    duration_s     DOUBLE,
    build_id       VARCHAR NOT NULL,
    media_url          VARCHAR,          -- URL the bytes came from (trailers: the video found on the page)
    etag               VARCHAR,          -- media_url's validators, for conditional re-fetches; null when failed
    last_modified      VARCHAR,
    page_etag          VARCHAR,          -- trailers: the trailer page's (source_url's) validators
    page_last_modified VARCHAR,
    PRIMARY KEY (movie_id, kind)
);

-- media: features computed once per asset content hash (.npy blobs).
-- scope: content-addressed cache (content_sha256, feature, extractor).
CREATE TABLE IF NOT EXISTS media_features (
    content_sha256 VARCHAR NOT NULL,     -- the asset the feature was computed from
    feature        VARCHAR NOT NULL,     -- keyframes | logmel | poster
    extractor      VARCHAR NOT NULL,     -- versioned name, e.g. ffmpeg-keyframes-v1
    blob_sha256    VARCHAR NOT NULL,     -- the .npy array in the blob store
    shape          VARCHAR NOT NULL,     -- e.g. 8x64x64x3
    dtype          VARCHAR NOT NULL,
    build_id       VARCHAR NOT NULL,
    PRIMARY KEY (content_sha256, feature, extractor)
);

-- kg_build: the RDF graph of each build (IRIs / literals in N-Triples lexical form).
-- scope: build-scoped.
CREATE TABLE IF NOT EXISTS triples (
    build_id          VARCHAR NOT NULL,
    subject           VARCHAR NOT NULL,
    predicate         VARCHAR NOT NULL,
    object            VARCHAR NOT NULL,
    object_is_literal BOOLEAN NOT NULL,
    extractor         VARCHAR,
    source_url        VARCHAR,
    confidence        DOUBLE,
    PRIMARY KEY (build_id, subject, predicate, object)
);

-- interactions: user-item interactions linked to crawled movies.
-- scope: cache by (user_id, movie_id); a build refreshes and reads the rows of its build_movies.
CREATE TABLE IF NOT EXISTS interactions (
    user_id   INTEGER NOT NULL,
    movie_id  VARCHAR NOT NULL,
    rating    DOUBLE NOT NULL,
    rated_at  TIMESTAMP NOT NULL,
    build_id  VARCHAR NOT NULL,
    PRIMARY KEY (user_id, movie_id)
);

-- train: evaluation results of each model of each build.
-- scope: build-scoped.
CREATE TABLE IF NOT EXISTS metrics (
    build_id VARCHAR NOT NULL,
    model    VARCHAR NOT NULL,           -- mgnn | bpr_mf | …
    split    VARCHAR NOT NULL,           -- val | test
    metric   VARCHAR NOT NULL,           -- recall@10 | ndcg@10
    value    DOUBLE NOT NULL,
    PRIMARY KEY (build_id, model, split, metric)
);

-- Content-hash key of each stage run's inputs (upstream content, config, code version): a
-- later build whose key for that stage is the same reuses the stage's outputs.
CREATE TABLE IF NOT EXISTS stage_inputs (
    build_id    VARCHAR NOT NULL,
    stage       VARCHAR NOT NULL,
    input_key   VARCHAR NOT NULL,
    reused_from VARCHAR,                 -- build whose outputs were reused; NULL when the stage ran
    PRIMARY KEY (build_id, stage)
);
