-- The risk questionnaire becomes the change manager's to configure (issue
-- 12): it is kept in `settings` under `risk_questionnaire` (none: the
-- built-in five questions). Whether an assessment called for the CAB is
-- kept with it, as the questionnaire said when the answers were scored, so
-- a later questionnaire does not rewrite past assessments. 1 or 0; NULL
-- when not assessed.
ALTER TABLE change_details ADD COLUMN risk_needs_cab INTEGER;
-- Assessed before: the built-in questionnaire sent high and very high to the CAB.
UPDATE change_details SET risk_needs_cab = CASE WHEN risk_level IN ('high', 'very_high') THEN 1 ELSE 0 END
WHERE risk_level IS NOT NULL;
