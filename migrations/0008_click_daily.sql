-- Daily click roll-ups, so stats read one row per (creator, day, product, source, country,
-- device, bot reason) instead of every click, and raw clicks can be deleted after the
-- retention in content/program.yaml (the scheduled job in worker/clicks/retention.ts).
--
-- Triggers keep the roll-ups exact in the same transaction as the write that changes a
-- click, whoever writes it (queue consumer, direct fallback, replay of the dead-letter
-- queue): an insert adds its counts, a change of the bot or duplicate flag moves them.
-- Deleting raw clicks (retention) changes no roll-up: there is no DELETE trigger.
--
-- NULL product, source and country are stored as '' so they can be part of the key.
CREATE TABLE click_daily (
  -- UTC day of the click, YYYY-MM-DD.
  day TEXT NOT NULL,
  handle TEXT NOT NULL,
  product_id TEXT NOT NULL,
  src TEXT NOT NULL,
  country TEXT NOT NULL,
  device TEXT NOT NULL,
  bot_reason TEXT NOT NULL,
  human INTEGER NOT NULL DEFAULT 0,
  bot INTEGER NOT NULL DEFAULT 0,
  -- Human clicks flagged as repeats: a part of human, not added to it.
  duplicate INTEGER NOT NULL DEFAULT 0,
  -- Day first: the admin dashboards read every creator's rows of a period. No secondary
  -- index: in a WITHOUT ROWID table it would be as large as the table.
  PRIMARY KEY (day, handle, product_id, src, country, device, bot_reason)
) STRICT, WITHOUT ROWID;

-- The same counts without country, device and bot reason: what GET /api/stats and the
-- dashboards read. A busy creator has thousands of (country, device) rows a day but only
-- products x sources here, so a year of stats reads tens of thousands of rows, not millions.
CREATE TABLE click_daily_product (
  handle TEXT NOT NULL,
  day TEXT NOT NULL,
  product_id TEXT NOT NULL,
  src TEXT NOT NULL,
  human INTEGER NOT NULL DEFAULT 0,
  bot INTEGER NOT NULL DEFAULT 0,
  duplicate INTEGER NOT NULL DEFAULT 0,
  -- Bot rows a browser made without a click (prefetch, sub-resource load): a part of bot,
  -- shown apart. Same test as NOT_NAVIGATION_SQL in worker/links/bot-detection.ts.
  not_navigation INTEGER NOT NULL DEFAULT 0,
  -- One creator's days in key order: what stats read.
  PRIMARY KEY (handle, day, product_id, src)
) STRICT, WITHOUT ROWID;

-- The retention job deletes by time, oldest first.
CREATE INDEX clicks_at ON clicks (at);

CREATE TRIGGER clicks_rollup_insert AFTER INSERT ON clicks
BEGIN
  INSERT INTO click_daily (day, handle, product_id, src, country, device, bot_reason, human, bot, duplicate)
  VALUES (
    date(NEW.at / 1000, 'unixepoch'), NEW.handle, coalesce(NEW.product_id, ''), coalesce(NEW.src, ''),
    coalesce(NEW.country, ''), NEW.device, coalesce(NEW.bot_reason, ''),
    NEW.is_bot = 0, NEW.is_bot <> 0, NEW.is_bot = 0 AND NEW.is_duplicate <> 0
  )
  ON CONFLICT DO UPDATE SET
    human = human + excluded.human,
    bot = bot + excluded.bot,
    duplicate = duplicate + excluded.duplicate;
  INSERT INTO click_daily_product (handle, day, product_id, src, human, bot, duplicate, not_navigation)
  VALUES (
    NEW.handle, date(NEW.at / 1000, 'unixepoch'), coalesce(NEW.product_id, ''), coalesce(NEW.src, ''),
    NEW.is_bot = 0, NEW.is_bot <> 0, NEW.is_bot = 0 AND NEW.is_duplicate <> 0,
    coalesce((NEW.is_bot <> 0 AND (NEW.bot_reason = 'prefetch' OR NEW.bot_reason LIKE 'subresource:%')), 0)
  )
  ON CONFLICT DO UPDATE SET
    human = human + excluded.human,
    bot = bot + excluded.bot,
    duplicate = duplicate + excluded.duplicate,
    not_navigation = not_navigation + excluded.not_navigation;
END;

CREATE TRIGGER clicks_rollup_update AFTER UPDATE OF is_bot, is_duplicate, bot_reason ON clicks
WHEN OLD.is_bot IS NOT NEW.is_bot OR OLD.is_duplicate IS NOT NEW.is_duplicate
  OR OLD.bot_reason IS NOT NEW.bot_reason
BEGIN
  UPDATE click_daily SET
    human = human - (OLD.is_bot = 0),
    bot = bot - (OLD.is_bot <> 0),
    duplicate = duplicate - (OLD.is_bot = 0 AND OLD.is_duplicate <> 0)
  WHERE day = date(OLD.at / 1000, 'unixepoch') AND handle = OLD.handle
    AND product_id = coalesce(OLD.product_id, '') AND src = coalesce(OLD.src, '')
    AND country = coalesce(OLD.country, '') AND device = OLD.device
    AND bot_reason = coalesce(OLD.bot_reason, '');
  UPDATE click_daily_product SET
    human = human - (OLD.is_bot = 0),
    bot = bot - (OLD.is_bot <> 0),
    duplicate = duplicate - (OLD.is_bot = 0 AND OLD.is_duplicate <> 0),
    not_navigation = not_navigation - coalesce((OLD.is_bot <> 0 AND (OLD.bot_reason = 'prefetch' OR OLD.bot_reason LIKE 'subresource:%')), 0)
  WHERE handle = OLD.handle AND day = date(OLD.at / 1000, 'unixepoch')
    AND product_id = coalesce(OLD.product_id, '') AND src = coalesce(OLD.src, '');
  INSERT INTO click_daily (day, handle, product_id, src, country, device, bot_reason, human, bot, duplicate)
  VALUES (
    date(NEW.at / 1000, 'unixepoch'), NEW.handle, coalesce(NEW.product_id, ''), coalesce(NEW.src, ''),
    coalesce(NEW.country, ''), NEW.device, coalesce(NEW.bot_reason, ''),
    NEW.is_bot = 0, NEW.is_bot <> 0, NEW.is_bot = 0 AND NEW.is_duplicate <> 0
  )
  ON CONFLICT DO UPDATE SET
    human = human + excluded.human,
    bot = bot + excluded.bot,
    duplicate = duplicate + excluded.duplicate;
  INSERT INTO click_daily_product (handle, day, product_id, src, human, bot, duplicate, not_navigation)
  VALUES (
    NEW.handle, date(NEW.at / 1000, 'unixepoch'), coalesce(NEW.product_id, ''), coalesce(NEW.src, ''),
    NEW.is_bot = 0, NEW.is_bot <> 0, NEW.is_bot = 0 AND NEW.is_duplicate <> 0,
    coalesce((NEW.is_bot <> 0 AND (NEW.bot_reason = 'prefetch' OR NEW.bot_reason LIKE 'subresource:%')), 0)
  )
  ON CONFLICT DO UPDATE SET
    human = human + excluded.human,
    bot = bot + excluded.bot,
    duplicate = duplicate + excluded.duplicate,
    not_navigation = not_navigation + excluded.not_navigation;
END;

-- Clicks already stored when this migration runs.
INSERT INTO click_daily (day, handle, product_id, src, country, device, bot_reason, human, bot, duplicate)
SELECT date(at / 1000, 'unixepoch'), handle, coalesce(product_id, ''), coalesce(src, ''), coalesce(country, ''),
       device, coalesce(bot_reason, ''), SUM(is_bot = 0), SUM(is_bot <> 0), SUM(is_bot = 0 AND is_duplicate <> 0)
FROM clicks
GROUP BY 1, 2, 3, 4, 5, 6, 7;

INSERT INTO click_daily_product (handle, day, product_id, src, human, bot, duplicate, not_navigation)
SELECT handle, day, product_id, src, SUM(human), SUM(bot), SUM(duplicate),
       SUM(CASE WHEN bot_reason = 'prefetch' OR bot_reason LIKE 'subresource:%' THEN bot ELSE 0 END)
FROM click_daily
GROUP BY handle, day, product_id, src;
