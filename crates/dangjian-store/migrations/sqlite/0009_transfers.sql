-- 组织关系转接: a member moves between organisations through a tracked letter.
CREATE TABLE transfers (
    id           INTEGER PRIMARY KEY,
    member_id    BIGINT NOT NULL REFERENCES members(id),
    from_org     BIGINT NOT NULL REFERENCES organisations(id),
    to_org       BIGINT NOT NULL REFERENCES organisations(id),
    status       TEXT NOT NULL,
    issued_on    TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    received_on  TEXT,
    receipt_on   TEXT,
    note         TEXT NOT NULL DEFAULT '',
    created_by   BIGINT REFERENCES users(id),
    created_at   BIGINT NOT NULL
);
CREATE INDEX transfers_from ON transfers (from_org, status);
CREATE INDEX transfers_to ON transfers (to_org, status);
