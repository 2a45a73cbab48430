-- 上一篇/下一篇 walk a channel by publish time regardless of 置顶: an index in that order
-- lets the row-value comparison (published_at, id) < ($2, $3) stop at the first row.
CREATE INDEX articles_channel_time ON articles (channel_id, status, published_at DESC, id DESC);
