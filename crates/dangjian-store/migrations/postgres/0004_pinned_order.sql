-- Lists show 置顶 (pinned) articles first, then newest first; the index matches.
DROP INDEX articles_channel_published;
CREATE INDEX articles_channel_published ON articles (channel_id, status, is_top DESC, published_at DESC, id DESC);
