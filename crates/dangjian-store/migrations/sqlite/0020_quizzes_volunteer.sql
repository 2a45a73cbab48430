-- 知识测试 and 志愿服务, the platform events that earn 党性积分 (`quiz`, `volunteer_hour`).
--
-- A quiz's questions are the domain's Quiz as JSON; once published they are frozen (the
-- store only rewrites `body` of a draft). One attempt per member and quiz, enforced by the
-- unique key, so a double submit cannot count twice.

CREATE TABLE quizzes (
    id           INTEGER PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organisations(id),
    title        TEXT NOT NULL,
    opens_on     TEXT NOT NULL,
    closes_on    TEXT NOT NULL,
    body         TEXT NOT NULL,
    max_score    BIGINT NOT NULL,
    -- 'draft' | 'published' | 'closed'
    state        TEXT NOT NULL DEFAULT 'draft',
    created_by   BIGINT REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    published_at BIGINT,
    closed_at    BIGINT
);
CREATE INDEX quizzes_org ON quizzes (org_id);

-- answers: JSON array of chosen option indices per question.
CREATE TABLE quiz_attempts (
    id           INTEGER PRIMARY KEY,
    quiz_id      BIGINT NOT NULL REFERENCES quizzes(id),
    member_id    BIGINT NOT NULL REFERENCES members(id),
    answers      TEXT NOT NULL,
    score        BIGINT NOT NULL,
    max_score    BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL,
    UNIQUE (quiz_id, member_id)
);
CREATE INDEX quiz_attempts_member ON quiz_attempts (member_id);

CREATE TABLE volunteer_activities (
    id          INTEGER PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organisations(id),
    held_on     TEXT NOT NULL,
    title       TEXT NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    created_by  BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX volunteer_activities_org ON volunteer_activities (org_id);

-- hours: decimal text (0 < hours <= 24). `revision` counts corrections: the points of
-- revision n carry the event key `volunteer:{activity}:{member}` (n = 1) or
-- `volunteer:{activity}:{member}:{n}`, and a correction reverses the previous line.
CREATE TABLE volunteer_hours (
    activity_id BIGINT NOT NULL REFERENCES volunteer_activities(id),
    member_id   BIGINT NOT NULL REFERENCES members(id),
    hours       TEXT NOT NULL,
    revision    BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (activity_id, member_id)
);
CREATE INDEX volunteer_hours_member ON volunteer_hours (member_id);
