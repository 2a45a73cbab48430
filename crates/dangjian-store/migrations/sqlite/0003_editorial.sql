-- Editorial workflow: per-channel review levels, revisions with review steps,
-- scheduled publish/unpublish, and the first-submission time that guards publish dates.

ALTER TABLE channels ADD COLUMN review_levels INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN parent_id BIGINT;
ALTER TABLE channels ADD COLUMN external_url TEXT NOT NULL DEFAULT '';

ALTER TABLE articles ADD COLUMN body_md TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN cover TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN author_id BIGINT;
ALTER TABLE articles ADD COLUMN first_submitted_at BIGINT;
ALTER TABLE articles ADD COLUMN unpublish_at BIGINT;

-- Every edit is a revision; the article row holds what the portal shows. A revision is
-- reviewed level by level; on final approval its fields are copied to the article.
CREATE TABLE article_revisions (
    id            INTEGER PRIMARY KEY,
    article_id    BIGINT NOT NULL REFERENCES articles(id),
    number        INTEGER NOT NULL,
    state         TEXT NOT NULL,
    channel_id    BIGINT NOT NULL REFERENCES channels(id),
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    body_md       TEXT NOT NULL DEFAULT '',
    body_html     TEXT NOT NULL DEFAULT '',
    publisher     TEXT NOT NULL DEFAULT '',
    source_unit   TEXT NOT NULL DEFAULT '',
    editors       TEXT NOT NULL DEFAULT '',
    keywords      TEXT NOT NULL DEFAULT '',
    cover         TEXT NOT NULL DEFAULT '',
    is_top        BOOLEAN NOT NULL DEFAULT FALSE,
    is_headline   BOOLEAN NOT NULL DEFAULT FALSE,
    publish_at    BIGINT NOT NULL,
    unpublish_at  BIGINT,
    backdate_reason TEXT NOT NULL DEFAULT '',
    author_id     BIGINT NOT NULL REFERENCES users(id),
    created_at    BIGINT NOT NULL,
    submitted_at  BIGINT,
    UNIQUE (article_id, number)
);
CREATE INDEX article_revisions_state ON article_revisions (state, channel_id);

CREATE TABLE review_steps (
    id           INTEGER PRIMARY KEY,
    revision_id  BIGINT NOT NULL REFERENCES article_revisions(id),
    level        INTEGER NOT NULL,
    action       TEXT NOT NULL,
    reviewer_id  BIGINT NOT NULL REFERENCES users(id),
    opinion      TEXT NOT NULL DEFAULT '',
    at           BIGINT NOT NULL
);
CREATE INDEX review_steps_revision ON review_steps (revision_id, at);
CREATE INDEX articles_scheduled ON articles (status, published_at);
