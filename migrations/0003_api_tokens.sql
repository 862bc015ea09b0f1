-- Influencer API tokens (for /api/stats/<handle>). Only the SHA-256 of a token is
-- kept; the token itself is printed once by `npm run token -- create <handle>`.
CREATE TABLE api_tokens (
  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64 AND token_hash NOT GLOB '*[^0-9a-f]*'),
  handle TEXT NOT NULL CHECK (length(handle) BETWEEN 3 AND 30),
  label TEXT,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;

CREATE INDEX api_tokens_handle ON api_tokens (handle);
