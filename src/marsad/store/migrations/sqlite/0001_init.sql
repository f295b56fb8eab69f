-- marsad store schema, version 1 (SQLite).
-- documents: one row per distinct article text (content_hash is unique: the same article is stored once).
CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    content_hash  TEXT NOT NULL UNIQUE,
    doc_key       TEXT NOT NULL,
    outlet        TEXT,
    url           TEXT,
    title         TEXT,
    published     TEXT,
    text          TEXT NOT NULL,
    source_path   TEXT,
    n_events      INTEGER NOT NULL DEFAULT 0,
    ingested_at   TEXT NOT NULL
);
CREATE INDEX documents_doc_key ON documents (doc_key);
CREATE INDEX documents_published ON documents (published);

-- spans: entities, place mentions and date mentions found in a document (offsets into documents.text).
CREATE TABLE spans (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    start_pos    INTEGER NOT NULL,
    end_pos      INTEGER NOT NULL,
    label        TEXT,
    text         TEXT NOT NULL,
    key          TEXT,
    source       TEXT
);
CREATE INDEX spans_document ON spans (document_id);
CREATE INDEX spans_key ON spans (key);

CREATE TABLE actors (
    id        INTEGER PRIMARY KEY,
    key       TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    name_ar   TEXT,
    category  INTEGER,
    country   TEXT
);

CREATE TABLE places (
    id             INTEGER PRIMARY KEY,
    key            TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    name_ar        TEXT,
    country        TEXT,
    admin1         TEXT,
    admin2         TEXT,
    admin3         TEXT,
    latitude       REAL NOT NULL,
    longitude      REAL NOT NULL,
    geo_precision  INTEGER
);

-- events: one row per incident; a merged event gathers several reports (event_sources).
CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    event_type      TEXT NOT NULL,
    sub_event_type  TEXT NOT NULL,
    disorder_type   TEXT NOT NULL,
    event_date      TEXT,
    time_precision  INTEGER,
    actor1_id       INTEGER REFERENCES actors (id),
    actor2_id       INTEGER REFERENCES actors (id),
    actor1_name     TEXT,
    actor2_name     TEXT,
    place_id        INTEGER REFERENCES places (id),
    location_name   TEXT,
    country         TEXT,
    admin1          TEXT,
    admin2          TEXT,
    admin3          TEXT,
    latitude        REAL,
    longitude       REAL,
    geo_precision   INTEGER,
    fatalities      INTEGER NOT NULL DEFAULT 0,
    injuries        INTEGER,
    source          TEXT,
    attribution     TEXT,
    notes           TEXT NOT NULL DEFAULT '',
    confidence      REAL NOT NULL DEFAULT 0.5,
    background      INTEGER NOT NULL DEFAULT 0,
    record          TEXT NOT NULL,
    n_sources       INTEGER NOT NULL DEFAULT 1,
    review_state    TEXT NOT NULL DEFAULT 'unreviewed',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX events_type_date ON events (event_type, event_date);
CREATE INDEX events_date ON events (event_date);
CREATE INDEX events_country_admin1 ON events (country, admin1);
CREATE INDEX events_latlon ON events (latitude, longitude);

-- event_sources: every report of an event by one document, with that report's own record and evidence.
CREATE TABLE event_sources (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events (id),
    document_id   INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    idx           INTEGER NOT NULL,
    record        TEXT NOT NULL,
    evidence      TEXT NOT NULL,
    fatalities    INTEGER NOT NULL DEFAULT 0,
    merge_reason  TEXT,
    merged_at     TEXT,
    UNIQUE (document_id, idx)
);
CREATE INDEX event_sources_event ON event_sources (event_id);

-- merge_log: every merge and unmerge, for explanations and audits.
CREATE TABLE merge_log (
    id         INTEGER PRIMARY KEY,
    event_id   INTEGER NOT NULL,
    source_id  INTEGER,
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX merge_log_event ON merge_log (event_id);

-- reviews: the history of an event's review state (events.review_state holds the latest).
CREATE TABLE reviews (
    id        INTEGER PRIMARY KEY,
    event_id  INTEGER NOT NULL REFERENCES events (id),
    state     TEXT NOT NULL,
    note      TEXT,
    reviewer  TEXT,
    at        TEXT NOT NULL
);
CREATE INDEX reviews_event ON reviews (event_id);
