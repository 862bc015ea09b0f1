-- Creators without git (CONTRACT.md section 15). A change request is the whole proposed member
-- file, signed by the worker (domain/requests/signature.ts), waiting to become a pull request.
-- Contact emails and everything of a declined application live only here, never in git.
CREATE TABLE change_requests (
  -- 16 lowercase hex characters; the branch is request/<id>.
  id TEXT PRIMARY KEY CHECK (length(id) = 16 AND id NOT GLOB '*[^0-9a-f]*'),
  -- application: a new member file; edit: a member's own file; product: a product proposed by URL.
  kind TEXT NOT NULL CHECK (kind IN ('application', 'edit', 'product')),
  handle TEXT NOT NULL CHECK (length(handle) BETWEEN 3 AND 30),
  -- domain/vet/handles.ts skeleton(handle): pending applications block look-alike handles.
  handle_skeleton TEXT NOT NULL,
  -- Repository path of the proposed file and its exact bytes (UTF-8 YAML).
  file_path TEXT NOT NULL,
  file_text TEXT NOT NULL CHECK (length(file_text) <= 65536),
  file_sha256 TEXT NOT NULL CHECK (length(file_sha256) = 64),
  -- "ed25519:<base64>" over the request id, handle and file digest.
  signature TEXT NOT NULL,
  -- pending: waiting for sync or review; changes_needed: vet failed (vet_errors); merged; live
  -- (the deployed build contains it); declined (the pull request was closed unmerged);
  -- superseded (a later save of the same member, holding this one's changes, replaced it
  -- before it became a pull request).
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'changes_needed', 'merged', 'live', 'declined', 'superseded')),
  vet_errors TEXT,
  pull_request_url TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX change_requests_handle ON change_requests (handle, created_at);
CREATE INDEX change_requests_state ON change_requests (state, created_at);
CREATE INDEX change_requests_skeleton ON change_requests (handle_skeleton) WHERE kind = 'application';

-- Images a request adds (the avatar), at their repository path; D1 values hold up to 2 MB,
-- and uploads are refused above 1 MB.
CREATE TABLE change_request_images (
  request_id TEXT NOT NULL REFERENCES change_requests (id),
  path TEXT NOT NULL,
  bytes BLOB NOT NULL CHECK (length(bytes) <= 1048576),
  PRIMARY KEY (request_id, path)
) STRICT;

-- What an application keeps out of git: how to reach the applicant, and its claim link
-- (only the SHA-256 of the link's token; the link is shown once).
CREATE TABLE applications (
  request_id TEXT PRIMARY KEY REFERENCES change_requests (id),
  contact_email TEXT NOT NULL CHECK (length(contact_email) <= 254),
  claim_hash TEXT NOT NULL UNIQUE CHECK (length(claim_hash) = 64),
  -- Unix ms: the claim link signs in only before this.
  claim_expires_at INTEGER NOT NULL,
  -- Set once, together: when the link was used and the SHA-256 of the dashboard token it minted.
  claimed_at INTEGER,
  claimed_token_hash TEXT CHECK (claimed_token_hash IS NULL OR length(claimed_token_hash) = 64)
) STRICT;

-- Applications per visitor (keyed daily hash of the IP; no raw IP), to limit form spam.
CREATE TABLE apply_attempts (
  visitor_hash TEXT NOT NULL,
  -- Start of the window, unix ms.
  window_start INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  PRIMARY KEY (visitor_hash, window_start)
) STRICT;
