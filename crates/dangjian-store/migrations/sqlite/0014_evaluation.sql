-- Evaluation: 达标定级 (standards, assessments, grades, removals), 党性积分 (catalogue,
-- ledger, applications) and 民主评议党员 (rounds, participants, anonymous ballots).
-- Configuration is the domain's own value kept as JSON; scores and points are decimal text.

-- A version of the 达标定级 standard (`dangjian_domain::eval::standard::Standard`).
-- Versions are never edited: an assessment keeps the version it was scored under.
CREATE TABLE grading_standards (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL,
    version     BIGINT NOT NULL,
    body        TEXT NOT NULL,
    created_by  BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    UNIQUE (code, version)
);

-- One branch's assessment for one year and kind of check ('annual' | 'spot_check'), with
-- the flow of `grading::AssessmentFlow`.
CREATE TABLE grading_assessments (
    id                INTEGER PRIMARY KEY,
    org_id            BIGINT NOT NULL REFERENCES organisations(id),
    year              INTEGER NOT NULL,
    check_kind        TEXT NOT NULL,
    standard_id       BIGINT NOT NULL REFERENCES grading_standards(id),
    stage             TEXT NOT NULL DEFAULT 'draft',
    self_total        TEXT,
    preliminary_total TEXT,
    reviewed_total    TEXT,
    grade             TEXT,
    notice_from       TEXT,
    notice_to         TEXT,
    return_reason     TEXT NOT NULL DEFAULT '',
    updated_at        BIGINT NOT NULL,
    UNIQUE (org_id, year, check_kind)
);

-- The sheets: one line per item and level ('self' | 'preliminary' | 'reviewed').
-- input_kind is 'manual', 'measured' or 'veto'; value is decimal text or 'true'/'false'.
CREATE TABLE grading_entries (
    assessment_id BIGINT NOT NULL REFERENCES grading_assessments(id),
    level         TEXT NOT NULL,
    item          TEXT NOT NULL,
    input_kind    TEXT NOT NULL,
    value         TEXT NOT NULL,
    evidence      TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assessment_id, level, item)
);

-- Every grade a branch was given, in order; the last row is what it holds.
CREATE TABLE branch_grades (
    id            INTEGER PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organisations(id),
    year          INTEGER NOT NULL,
    on_date       TEXT NOT NULL,
    grade         TEXT NOT NULL,
    four_strong   BOOLEAN NOT NULL DEFAULT FALSE,
    total         TEXT NOT NULL,
    assessment_id BIGINT REFERENCES grading_assessments(id),
    created_at    BIGINT NOT NULL
);
CREATE INDEX branch_grades_org ON branch_grades (org_id, id);

-- 退出机制: a removed or lowered grade with why, and the items to rectify.
CREATE TABLE grade_removals (
    id                  INTEGER PRIMARY KEY,
    org_id              BIGINT NOT NULL REFERENCES organisations(id),
    assessment_id       BIGINT REFERENCES grading_assessments(id),
    on_date             TEXT NOT NULL,
    check_kind          TEXT NOT NULL,
    from_grade          TEXT NOT NULL,
    to_grade            TEXT NOT NULL,
    four_strong_revoked BOOLEAN NOT NULL DEFAULT FALSE,
    reasons             TEXT NOT NULL,
    created_at          BIGINT NOT NULL
);
CREATE INDEX grade_removals_org ON grade_removals (org_id);

CREATE TABLE grade_rectifications (
    id          INTEGER PRIMARY KEY,
    removal_id  BIGINT NOT NULL REFERENCES grade_removals(id),
    aspect      TEXT NOT NULL,
    item        TEXT NOT NULL,
    name        TEXT NOT NULL,
    lost        TEXT NOT NULL,
    vetoed      BOOLEAN NOT NULL DEFAULT FALSE,
    note        TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'open',
    done_note   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX grade_rectifications_removal ON grade_rectifications (removal_id);

-- Evaluation configuration as JSON by key: 'points_catalogue', 'member_index'.
CREATE TABLE eval_config (
    key         TEXT PRIMARY KEY,
    body        TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- Organisations that turned 党性积分 rankings on (off unless a row says otherwise).
CREATE TABLE points_rankings (
    org_id      BIGINT PRIMARY KEY REFERENCES organisations(id),
    enabled     BOOLEAN NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- The append-only ledger: no UPDATE or DELETE touches it. A correction is a row with
-- `reverses` set (at most one per original). `event_key` makes automatic entries
-- idempotent: a platform event is counted once however often the sync runs.
CREATE TABLE points_ledger (
    id          INTEGER PRIMARY KEY,
    member_id   BIGINT NOT NULL REFERENCES members(id),
    on_date     TEXT NOT NULL,
    action      TEXT NOT NULL,
    points      TEXT NOT NULL,
    reverses    BIGINT UNIQUE REFERENCES points_ledger(id),
    reason      TEXT NOT NULL,
    event_key   TEXT UNIQUE,
    created_by  BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX points_ledger_member ON points_ledger (member_id, on_date);

-- A member's application with evidence ('pending' | 'approved' | 'rejected'), decided
-- once by the branch; an approval appends the ledger entry it names.
CREATE TABLE points_applications (
    id            INTEGER PRIMARY KEY,
    member_id     BIGINT NOT NULL REFERENCES members(id),
    action        TEXT NOT NULL,
    on_date       TEXT NOT NULL,
    quantity      TEXT NOT NULL,
    evidence      TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending',
    decided_by    BIGINT REFERENCES users(id),
    decided_at    BIGINT,
    decision_note TEXT NOT NULL DEFAULT '',
    entry_id      BIGINT REFERENCES points_ledger(id),
    created_at    BIGINT NOT NULL
);
CREATE INDEX points_applications_member ON points_applications (member_id, status);

-- 民主评议党员: one round per branch and year ('open' | 'decided').
CREATE TABLE appraisal_rounds (
    id          INTEGER PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organisations(id),
    year        INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open',
    decided_at  BIGINT,
    created_at  BIGINT NOT NULL,
    UNIQUE (org_id, year)
);

-- Who takes part ('full' graded, 'probationary' not graded) and the committee's decision.
CREATE TABLE appraisal_participants (
    round_id    BIGINT NOT NULL REFERENCES appraisal_rounds(id),
    member_id   BIGINT NOT NULL REFERENCES members(id),
    standing    TEXT NOT NULL,
    grade       TEXT,
    follow_up   TEXT NOT NULL DEFAULT '',
    feedback    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (round_id, member_id)
);

-- Ballots carry no rater: marks are "member_id:grade" lines and nothing else.
CREATE TABLE appraisal_ballots (
    id          INTEGER PRIMARY KEY,
    round_id    BIGINT NOT NULL REFERENCES appraisal_rounds(id),
    marks       TEXT NOT NULL
);
CREATE INDEX appraisal_ballots_round ON appraisal_ballots (round_id);
