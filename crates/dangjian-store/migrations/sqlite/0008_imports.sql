-- A roster import waits here between its preview and the user's confirmation, so
-- nothing reaches the member tables until the user says so (and any node can finish it).
CREATE TABLE pending_imports (
    token       TEXT PRIMARY KEY NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    org_id      BIGINT NOT NULL REFERENCES organisations(id),
    payload     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
