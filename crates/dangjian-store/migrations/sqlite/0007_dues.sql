-- 党费: each member's base (history kept) and the payment ledger. Money is decimal text
-- ("1234.50"), exact on both backends; sums are computed in Rust with decimals.

CREATE TABLE dues_bases (
    id              INTEGER PRIMARY KEY,
    member_id       BIGINT NOT NULL REFERENCES members(id),
    category        TEXT NOT NULL,
    base            TEXT NOT NULL,
    effective_month TEXT NOT NULL,
    set_by          BIGINT REFERENCES users(id),
    set_at          BIGINT NOT NULL
);
CREATE INDEX dues_bases_member ON dues_bases (member_id, effective_month);

CREATE TABLE dues_payments (
    id           INTEGER PRIMARY KEY,
    member_id    BIGINT NOT NULL REFERENCES members(id),
    month        TEXT NOT NULL,
    amount       TEXT NOT NULL,
    paid_on      TEXT NOT NULL,
    method       TEXT NOT NULL DEFAULT '',
    recorded_by  BIGINT REFERENCES users(id),
    recorded_at  BIGINT NOT NULL,
    UNIQUE (member_id, month)
);
