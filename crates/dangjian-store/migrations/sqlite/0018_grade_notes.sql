-- Why a history row was written when no assessment explains it: a 四强 designation or
-- revocation by the 工委 keeps the grade and records its reason here.
ALTER TABLE branch_grades ADD COLUMN note TEXT NOT NULL DEFAULT '';
