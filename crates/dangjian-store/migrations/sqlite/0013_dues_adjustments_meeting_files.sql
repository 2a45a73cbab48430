-- 少交/免交 applications with their approval, and files attached to meeting records.

-- A 支部 records an application after discussing it; the higher 党委 approves or rejects.
-- Only approved rows change what a member owes (status 'pending' | 'approved' | 'rejected').
CREATE TABLE dues_adjustments (
    id                  INTEGER PRIMARY KEY,
    member_id           BIGINT NOT NULL REFERENCES members(id),
    kind                TEXT NOT NULL,
    monthly_amount      TEXT,
    from_month          TEXT NOT NULL,
    through_month       TEXT NOT NULL,
    branch_discussed_on TEXT NOT NULL,
    reason              TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'pending',
    requested_by        BIGINT REFERENCES users(id),
    requested_at        BIGINT NOT NULL,
    approver            TEXT NOT NULL DEFAULT '',
    decided_on          TEXT,
    decided_by          BIGINT REFERENCES users(id),
    decision_note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dues_adjustments_member ON dues_adjustments (member_id, status, from_month);

-- Attachments (sign-in sheets, photos, minutes as PDF) are kept in the database: they
-- are internal records, small, and every node of a PostgreSQL deployment must see them.
CREATE TABLE meeting_files (
    id          INTEGER PRIMARY KEY,
    meeting_id  BIGINT NOT NULL REFERENCES meetings(id),
    name        TEXT NOT NULL,
    mime        TEXT NOT NULL,
    size        BIGINT NOT NULL,
    data        BLOB NOT NULL,
    uploaded_by BIGINT REFERENCES users(id),
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX meeting_files_meeting ON meeting_files (meeting_id);
