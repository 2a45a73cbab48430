-- 资料中心: downloadable documents. The file lives in the documents store under `path`
-- (a random name); the title and the original file name are what people see.
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    channel_id   BIGINT NOT NULL REFERENCES channels(id),
    title        TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    ext          TEXT NOT NULL,
    mime         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    path         TEXT NOT NULL,
    downloads    BIGINT NOT NULL DEFAULT 0,
    status       TEXT NOT NULL DEFAULT 'published',
    published_at BIGINT NOT NULL,
    created_by   BIGINT REFERENCES users(id),
    created_at   BIGINT NOT NULL
);
CREATE INDEX documents_channel ON documents (channel_id, status, published_at);
