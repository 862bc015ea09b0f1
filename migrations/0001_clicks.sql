-- Click log: one row per request to /go/<handle>/<product>. No raw IP or user agent.
CREATE TABLE clicks (
  click_id TEXT PRIMARY KEY,
  -- Unix milliseconds (UTC).
  at INTEGER NOT NULL,
  handle TEXT NOT NULL,
  product_id TEXT,
  src TEXT,
  referrer_host TEXT,
  country TEXT,
  -- mobile | tablet | desktop | bot | unknown
  device TEXT NOT NULL,
  -- HMAC(secret, UTC day | ip | user agent), base64url; cannot be joined across days.
  visitor_hash TEXT NOT NULL,
  is_bot INTEGER NOT NULL DEFAULT 0,
  bot_reason TEXT,
  is_duplicate INTEGER NOT NULL DEFAULT 0,
  -- GET | HEAD
  method TEXT NOT NULL
) STRICT;

CREATE INDEX clicks_handle_at ON clicks (handle, at);
CREATE INDEX clicks_visitor_product_at ON clicks (visitor_hash, product_id, at);
