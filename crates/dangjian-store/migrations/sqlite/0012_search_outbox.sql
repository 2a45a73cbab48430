-- Search outbox: every publish, edit of a published article, unpublish and delete writes
-- a row here in the same transaction as the change. Each node's search index applies the
-- rows in id order and remembers the last id it applied, so any number of nodes keep their
-- own index from this one table. AUTOINCREMENT: ids are never reused, even after pruning.
CREATE TABLE search_outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id  BIGINT NOT NULL,
    op          TEXT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX search_outbox_at ON search_outbox (at);
