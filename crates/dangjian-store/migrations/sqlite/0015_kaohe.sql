-- 党建考核: schemes (the domain's Scheme as JSON), internal rater assignments, one-time
-- tokens for 群众评价, anonymous ballots, offline inspection scores, 日常 scores, and the
-- results snapshot taken at publish.
--
-- Anonymity: a ballot row carries no rater, no token, no time and no sequence. Its key is
-- 128 random bits and the table is WITHOUT ROWID, so even the storage order is the random
-- key's order, not the order of arrival. Whether someone voted is a flag on their
-- assignment or token, set in the same transaction as the ballot insert.

CREATE TABLE kaohe_schemes (
    id           INTEGER PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organisations(id),
    name         TEXT NOT NULL,
    -- 'draft' | 'open' | 'closed' | 'published'
    state        TEXT NOT NULL DEFAULT 'draft',
    config       TEXT NOT NULL,
    results      TEXT,
    created_by   BIGINT REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    opened_at    BIGINT,
    closed_at    BIGINT,
    published_at BIGINT
);
CREATE INDEX kaohe_schemes_org ON kaohe_schemes (org_id);

-- One assignment per account and scheme: the group it rates in and the subjects it rates
-- (comma-separated ids). `voted` is all that is kept of the vote.
CREATE TABLE kaohe_raters (
    scheme_id  BIGINT NOT NULL REFERENCES kaohe_schemes(id),
    user_id    BIGINT NOT NULL REFERENCES users(id),
    group_code TEXT NOT NULL,
    subjects   TEXT NOT NULL,
    voted      BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (scheme_id, user_id)
);

-- 群众评价 tokens: only the SHA-256 of the token is stored; the link is shown once.
CREATE TABLE kaohe_tokens (
    token_hash TEXT PRIMARY KEY,
    scheme_id  BIGINT NOT NULL REFERENCES kaohe_schemes(id),
    group_code TEXT NOT NULL,
    subjects   TEXT NOT NULL,
    used       BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX kaohe_tokens_scheme ON kaohe_tokens (scheme_id, group_code);

-- marks: "subject:level,level;subject:level,level" (level indices into the scale).
CREATE TABLE kaohe_ballots (
    id          TEXT NOT NULL PRIMARY KEY,
    scheme_id   BIGINT NOT NULL REFERENCES kaohe_schemes(id),
    group_code  TEXT NOT NULL,
    familiarity TEXT,
    marks       TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX kaohe_ballots_scheme ON kaohe_ballots (scheme_id);

-- 线下: points per indicator (comma-separated) entered by the inspection team, with the
-- evidence; these are signed records, not anonymous ballots.
CREATE TABLE kaohe_offline (
    id         INTEGER PRIMARY KEY,
    scheme_id  BIGINT NOT NULL REFERENCES kaohe_schemes(id),
    group_code TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    points     TEXT NOT NULL,
    evidence   TEXT NOT NULL,
    entered_by BIGINT REFERENCES users(id),
    entered_at BIGINT NOT NULL
);
CREATE INDEX kaohe_offline_scheme ON kaohe_offline (scheme_id);

-- 日常 score per subject over the period (decimal text).
CREATE TABLE kaohe_daily (
    scheme_id  BIGINT NOT NULL REFERENCES kaohe_schemes(id),
    subject_id BIGINT NOT NULL,
    score      TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (scheme_id, subject_id)
);
