-- Daily reports carry their summary in Chinese too, so a reader asking in
-- Chinese gets no English summary pasted in. Reports built before this keep
-- "" until their day is rebuilt (new mail that day); readers fall back to the
-- statistics, which are language-neutral.
ALTER TABLE "daily_reports" ADD COLUMN "summary_zh" TEXT NOT NULL DEFAULT '';
