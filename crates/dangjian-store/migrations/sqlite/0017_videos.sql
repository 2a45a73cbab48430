-- 视频点播: uploaded videos. The file and its poster live in the media store under
-- random keys (`media_key`, `poster_key`); the portal streams the file only through
-- `/video/{id}/stream`, after checking that the video is published.
CREATE TABLE videos (
    id           INTEGER PRIMARY KEY,
    channel_id   BIGINT NOT NULL REFERENCES channels(id),
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    media_key    TEXT NOT NULL,
    mime         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    -- NULL when the length could not be read (no ffprobe on the machine).
    duration_ms  BIGINT,
    poster_key   TEXT NOT NULL,
    -- 'uploaded', 'frame' (taken by ffmpeg) or 'placeholder' (generated).
    poster_kind  TEXT NOT NULL,
    views        BIGINT NOT NULL DEFAULT 0,
    status       TEXT NOT NULL DEFAULT 'published',
    published_at BIGINT NOT NULL,
    created_by   BIGINT REFERENCES users(id),
    created_at   BIGINT NOT NULL
);
CREATE INDEX videos_channel ON videos (channel_id, status, published_at);
