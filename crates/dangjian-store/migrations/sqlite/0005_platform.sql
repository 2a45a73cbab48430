-- 智慧党建 core: the organisation tree, members with their development path, and the
-- committee posts. Calendar dates are ISO 'YYYY-MM-DD' text (they sort and compare the
-- same on both backends); personal data (ID number, phone) is stored encrypted, with a
-- keyed hash of the ID number for uniqueness checks.

CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    parent_id   BIGINT REFERENCES organisations(id),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    founded_on  TEXT,
    term_start  TEXT,
    term_years  INTEGER,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL
);
CREATE INDEX organisations_parent ON organisations (parent_id, sort_order);

CREATE TABLE members (
    id              INTEGER PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organisations(id),
    group_id        BIGINT REFERENCES organisations(id),
    name            TEXT NOT NULL,
    gender          TEXT NOT NULL DEFAULT '',
    ethnicity       TEXT NOT NULL DEFAULT '',
    birth_date      TEXT,
    id_number_enc   TEXT NOT NULL DEFAULT '',
    id_number_hash  TEXT,
    phone_enc       TEXT NOT NULL DEFAULT '',
    education       TEXT NOT NULL DEFAULT '',
    work_unit       TEXT NOT NULL DEFAULT '',
    post            TEXT NOT NULL DEFAULT '',
    category        TEXT NOT NULL,
    status          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (id_number_hash)
);
CREATE INDEX members_org ON members (org_id, status, name);

CREATE TABLE member_steps (
    id              INTEGER PRIMARY KEY,
    member_id       BIGINT NOT NULL REFERENCES members(id),
    step            TEXT NOT NULL,
    on_date         TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    override_reason TEXT NOT NULL DEFAULT '',
    recorded_by     BIGINT REFERENCES users(id),
    recorded_at     BIGINT NOT NULL
);
CREATE INDEX member_steps_member ON member_steps (member_id, on_date);

CREATE TABLE org_committee (
    org_id     BIGINT NOT NULL REFERENCES organisations(id),
    member_id  BIGINT NOT NULL REFERENCES members(id),
    post       TEXT NOT NULL,
    since      TEXT,
    PRIMARY KEY (org_id, member_id, post)
);

-- An officer account works in one organisation and the tree below it.
ALTER TABLE users ADD COLUMN org_id BIGINT REFERENCES organisations(id);
-- A member account sees its own record.
ALTER TABLE users ADD COLUMN member_id BIGINT REFERENCES members(id);
