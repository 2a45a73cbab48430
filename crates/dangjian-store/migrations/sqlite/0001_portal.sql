-- Portal content: site settings, channels, articles, friendly links.
-- Timestamps are Unix microseconds (UTC), computed in Rust.

CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL
);

CREATE TABLE channels (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL DEFAULT 'list',
    description TEXT NOT NULL DEFAULT '',
    keywords    TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL DEFAULT 0,
    show_in_nav BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    channel_id    BIGINT NOT NULL REFERENCES channels(id),
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    body_html     TEXT NOT NULL,
    publisher     TEXT NOT NULL DEFAULT '',
    source_unit   TEXT NOT NULL DEFAULT '',
    editors       TEXT NOT NULL DEFAULT '',
    keywords      TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'draft',
    is_top        BOOLEAN NOT NULL DEFAULT FALSE,
    is_headline   BOOLEAN NOT NULL DEFAULT FALSE,
    views         BIGINT NOT NULL DEFAULT 0,
    published_at  BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- Channel lists, neighbours and latest-per-channel all walk this index.
CREATE INDEX articles_channel_published ON articles (channel_id, status, published_at DESC, id DESC);
CREATE INDEX articles_published ON articles (status, published_at DESC, id DESC);

CREATE TABLE friendly_links (
    id          INTEGER PRIMARY KEY,
    group_name  TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    url         TEXT NOT NULL,
    sort_order  INTEGER NOT NULL DEFAULT 0
);
