-- Organisation life (三会一课 and more): one row per meeting, attendance per member.

CREATE TABLE meetings (
    id          INTEGER PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organisations(id),
    kind        TEXT NOT NULL,
    held_on     TEXT NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    host        TEXT NOT NULL DEFAULT '',
    topic       TEXT NOT NULL,
    minutes     TEXT NOT NULL DEFAULT '',
    quorum_met  BOOLEAN,
    created_by  BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX meetings_org ON meetings (org_id, kind, held_on);

CREATE TABLE meeting_attendance (
    meeting_id  BIGINT NOT NULL REFERENCES meetings(id),
    member_id   BIGINT NOT NULL REFERENCES members(id),
    present     BOOLEAN NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, member_id)
);
