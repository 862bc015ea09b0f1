-- Failed dashboard sign-ins per visitor (keyed daily hash of the IP; no raw IP), to slow brute force.
CREATE TABLE signin_attempts (
  visitor_hash TEXT NOT NULL,
  -- Start of the 15-minute window, unix ms.
  window_start INTEGER NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
  PRIMARY KEY (visitor_hash, window_start)
) STRICT;
