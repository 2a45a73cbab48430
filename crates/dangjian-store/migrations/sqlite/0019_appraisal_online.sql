-- 民主评议党员 online. A round's status gains 'voting' (online ballots taken) and 'closed'
-- (voting ended, the committee may decide) between 'open' and 'decided'.
ALTER TABLE appraisal_rounds ADD COLUMN voting_at BIGINT;
ALTER TABLE appraisal_rounds ADD COLUMN closed_at BIGINT;

-- Each participant's 个人自评 (text, optional self grade, last saved) and whether they have
-- cast their online ballot. `voted` is all that is kept of the vote: no time, no ballot key.
ALTER TABLE appraisal_participants ADD COLUMN self_text TEXT NOT NULL DEFAULT '';
ALTER TABLE appraisal_participants ADD COLUMN self_grade TEXT;
ALTER TABLE appraisal_participants ADD COLUMN self_at BIGINT;
ALTER TABLE appraisal_participants ADD COLUMN voted BOOLEAN NOT NULL DEFAULT FALSE;

-- Online ballots: a random 128-bit key, the round and "member_id:grade" lines. No rater,
-- no time, no sequence: WITHOUT ROWID, so not even a hidden rowid keeps insertion order.
CREATE TABLE appraisal_online_ballots (
    id        TEXT NOT NULL PRIMARY KEY,
    round_id  BIGINT NOT NULL REFERENCES appraisal_rounds(id),
    marks     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX appraisal_online_ballots_round ON appraisal_online_ballots (round_id);
