-- Marketplaces (CONTRACT.md section 14): a click records the marketplace the shopper was sent
-- to (a retailer id of content/retailers.yaml, e.g. amazon-uk) beside the country it already
-- records. Clicks stored before this migration keep NULL: where they went was the product's
-- home URL, but nothing stored says so, and stored rows are not rewritten.
ALTER TABLE clicks ADD COLUMN marketplace TEXT;

-- One creator's clicks by (day, country, marketplace), for the dashboards and the by_country /
-- by_marketplace figures of GET /api/stats. click_daily has the country but is keyed day first
-- (every creator's rows of a day), so a creator's year would read every creator's rows; this
-- table is keyed creator first, like click_daily_source. A creator-day has a row per country
-- and marketplace seen that day: tens, not thousands.
--
-- '' for an unknown country or marketplace (as click_daily stores a missing country).
CREATE TABLE click_daily_market (
  handle TEXT NOT NULL,
  -- UTC day of the click, YYYY-MM-DD.
  day TEXT NOT NULL,
  country TEXT NOT NULL,
  marketplace TEXT NOT NULL,
  human INTEGER NOT NULL DEFAULT 0,
  bot INTEGER NOT NULL DEFAULT 0,
  -- Human clicks flagged as repeats: a part of human.
  duplicate INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (handle, day, country, marketplace)
) STRICT, WITHOUT ROWID;

-- Clicks already counted: every one of them has no marketplace.
INSERT INTO click_daily_market (handle, day, country, marketplace, human, bot, duplicate)
SELECT handle, day, country, '', SUM(human), SUM(bot), SUM(duplicate)
FROM click_daily GROUP BY handle, day, country;

-- Triggers of their own (beside the roll-up triggers of 0011, which they leave alone), in the
-- same transaction as the write that changes a click, with the same counts.
CREATE TRIGGER clicks_rollup_market_insert AFTER INSERT ON clicks
BEGIN
  INSERT INTO click_daily_market (handle, day, country, marketplace, human, bot, duplicate)
  VALUES (
    NEW.handle, date(NEW.at / 1000, 'unixepoch'), coalesce(NEW.country, ''), coalesce(NEW.marketplace, ''),
    NEW.is_bot = 0, NEW.is_bot <> 0, NEW.is_bot = 0 AND NEW.is_duplicate <> 0
  )
  ON CONFLICT DO UPDATE SET
    human = human + excluded.human,
    bot = bot + excluded.bot,
    duplicate = duplicate + excluded.duplicate;
END;

CREATE TRIGGER clicks_rollup_market_update AFTER UPDATE OF is_bot, is_duplicate ON clicks
WHEN OLD.is_bot IS NOT NEW.is_bot OR OLD.is_duplicate IS NOT NEW.is_duplicate
BEGIN
  UPDATE click_daily_market SET
    human = human - (OLD.is_bot = 0),
    bot = bot - (OLD.is_bot <> 0),
    duplicate = duplicate - (OLD.is_bot = 0 AND OLD.is_duplicate <> 0)
  WHERE handle = OLD.handle AND day = date(OLD.at / 1000, 'unixepoch')
    AND country = coalesce(OLD.country, '') AND marketplace = coalesce(OLD.marketplace, '');
  INSERT INTO click_daily_market (handle, day, country, marketplace, human, bot, duplicate)
  VALUES (
    NEW.handle, date(NEW.at / 1000, 'unixepoch'), coalesce(NEW.country, ''), coalesce(NEW.marketplace, ''),
    NEW.is_bot = 0, NEW.is_bot <> 0, NEW.is_bot = 0 AND NEW.is_duplicate <> 0
  )
  ON CONFLICT DO UPDATE SET
    human = human + excluded.human,
    bot = bot + excluded.bot,
    duplicate = duplicate + excluded.duplicate;
END;
