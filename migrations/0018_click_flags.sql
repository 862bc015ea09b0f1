-- Honest clicks (CONTRACT.md section 16).
--
-- 1. Suspicion flags of a click, on top of the bot flag (is_bot, bot_reason) and the duplicate
--    flag: a bit set, 0 when none (domain/clicks/flags.ts names the bits):
--      1 no_activation  a cross-site navigation without user activation (no Sec-Fetch-User):
--                       redirected, but nobody is known to have clicked; set by the redirect.
--      2 self           the visitor hash of the member's own dashboard session that day; set by
--                       the click consumer, or when the dashboard records that hash later.
--      4 burst          one visitor hash over burst_clicks_per_day (content/program.yaml)
--                       navigations in a UTC day; set by the click consumer.
--    A flagged click stays what it was (a human click is still counted as one); it is shown by
--    reason and its commission is held for review. (ALTER TABLE, as in 0006.)
ALTER TABLE clicks ADD COLUMN flags INTEGER NOT NULL DEFAULT 0 CHECK (flags BETWEEN 0 AND 7);

-- 2. Counts by reason per creator and day, what /api/stats shows as clicks.by_reason: every
--    reason a click carries counts it once: its bot reason (when a bot), 'duplicate' (a human
--    repeat), and each flag. Kept exact by the triggers below in the same transaction as the
--    write that changes a click, like the roll-ups of 0008/0011 (which these triggers leave
--    alone). No DELETE trigger: the retention job deletes raw clicks, never counts.
CREATE TABLE click_daily_reason (
  handle TEXT NOT NULL,
  -- UTC day of the click, YYYY-MM-DD.
  day TEXT NOT NULL,
  -- A bot reason (head, prefetch, subresource:image, crawler...), duplicate, no_activation,
  -- self or burst.
  reason TEXT NOT NULL,
  clicks INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (handle, day, reason)
) STRICT, WITHOUT ROWID;

-- The self flag: a signed-in member's dashboard visitor hash per UTC day (the same keyed,
-- daily hash as clicks; no IP or user agent). Written when a member opens the dashboard.
CREATE TABLE dashboard_visitors (
  handle TEXT NOT NULL,
  day TEXT NOT NULL,
  visitor_hash TEXT NOT NULL,
  PRIMARY KEY (handle, day, visitor_hash)
) STRICT, WITHOUT ROWID;

-- The burst count reads one visitor's clicks of a day.
CREATE INDEX clicks_visitor_at ON clicks (visitor_hash, at);

CREATE TRIGGER clicks_reason_insert AFTER INSERT ON clicks
WHEN NEW.is_bot <> 0 OR NEW.is_duplicate <> 0 OR NEW.flags <> 0
BEGIN
  INSERT INTO click_daily_reason (handle, day, reason, clicks)
  SELECT NEW.handle, date(NEW.at / 1000, 'unixepoch'), reason, 1 FROM (
    SELECT CASE WHEN NEW.is_bot <> 0 THEN coalesce(NEW.bot_reason, 'unknown') END AS reason
    UNION ALL SELECT CASE WHEN NEW.is_bot = 0 AND NEW.is_duplicate <> 0 THEN 'duplicate' END
    UNION ALL SELECT CASE WHEN NEW.flags & 1 THEN 'no_activation' END
    UNION ALL SELECT CASE WHEN NEW.flags & 2 THEN 'self' END
    UNION ALL SELECT CASE WHEN NEW.flags & 4 THEN 'burst' END
  ) WHERE reason IS NOT NULL
  ON CONFLICT DO UPDATE SET clicks = clicks + 1;
END;

CREATE TRIGGER clicks_reason_update AFTER UPDATE OF is_bot, is_duplicate, bot_reason, flags ON clicks
WHEN OLD.is_bot IS NOT NEW.is_bot OR OLD.is_duplicate IS NOT NEW.is_duplicate
  OR OLD.bot_reason IS NOT NEW.bot_reason OR OLD.flags IS NOT NEW.flags
BEGIN
  UPDATE click_daily_reason SET clicks = clicks - 1
  WHERE handle = OLD.handle AND day = date(OLD.at / 1000, 'unixepoch') AND reason IN (
    SELECT CASE WHEN OLD.is_bot <> 0 THEN coalesce(OLD.bot_reason, 'unknown') END
    UNION ALL SELECT CASE WHEN OLD.is_bot = 0 AND OLD.is_duplicate <> 0 THEN 'duplicate' END
    UNION ALL SELECT CASE WHEN OLD.flags & 1 THEN 'no_activation' END
    UNION ALL SELECT CASE WHEN OLD.flags & 2 THEN 'self' END
    UNION ALL SELECT CASE WHEN OLD.flags & 4 THEN 'burst' END
  );
  INSERT INTO click_daily_reason (handle, day, reason, clicks)
  SELECT NEW.handle, date(NEW.at / 1000, 'unixepoch'), reason, 1 FROM (
    SELECT CASE WHEN NEW.is_bot <> 0 THEN coalesce(NEW.bot_reason, 'unknown') END AS reason
    UNION ALL SELECT CASE WHEN NEW.is_bot = 0 AND NEW.is_duplicate <> 0 THEN 'duplicate' END
    UNION ALL SELECT CASE WHEN NEW.flags & 1 THEN 'no_activation' END
    UNION ALL SELECT CASE WHEN NEW.flags & 2 THEN 'self' END
    UNION ALL SELECT CASE WHEN NEW.flags & 4 THEN 'burst' END
  ) WHERE reason IS NOT NULL
  ON CONFLICT DO UPDATE SET clicks = clicks + 1;
END;

-- Counts of clicks stored before this migration, from click_daily (which holds every day's bot
-- reasons and duplicates, raw clicks or not); no click carried a flag before.
INSERT INTO click_daily_reason (handle, day, reason, clicks)
SELECT handle, day, CASE WHEN bot_reason = '' THEN 'unknown' ELSE bot_reason END, SUM(bot)
FROM click_daily WHERE bot > 0 GROUP BY 1, 2, 3
UNION ALL
SELECT handle, day, 'duplicate', SUM(duplicate) FROM click_daily WHERE duplicate > 0 GROUP BY 1, 2
ORDER BY 1, 2, 3;
