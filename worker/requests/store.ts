/**
 * Change requests in D1 (migrations/0020_change_requests.sql): small query functions with
 * bound parameters. A request and everything it holds (its images, an application's contact
 * email and claim hash) land in one `db.batch()`, so none is ever stored half.
 */
import { withRetry } from '../lib/d1-retry.ts';
import { integer, integerOrZero, text, textOrNull, type Row } from '../lib/rows.ts';

export const REQUEST_KINDS = ['application', 'edit', 'product'] as const;
export const REQUEST_STATES = [
  'pending',
  'changes_needed',
  'merged',
  'live',
  'declined',
  'superseded',
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export type RequestState = (typeof REQUEST_STATES)[number];

export interface NewRequest {
  id: string;
  kind: RequestKind;
  handle: string;
  handleSkeleton: string;
  filePath: string;
  fileText: string;
  fileSha256: string;
  signature: string;
  images: readonly { path: string; bytes: Uint8Array }[];
  /** Set for an application only. */
  application: { contactEmail: string; claimHash: string; claimExpiresAt: number } | null;
  now: Date;
}

/** What the listings show: never the contact email, the claim hash or the image bytes. */
export interface RequestSummary {
  id: string;
  kind: RequestKind;
  handle: string;
  state: RequestState;
  file_path: string;
  file_sha256: string;
  images: string[];
  vet_errors: unknown;
  pull_request_url: string | null;
  created_at: string;
  updated_at: string;
}

/** A new request id: 64 random bits as 16 lowercase hex characters (the branch is request/<id>). */
export function newRequestId(): string {
  return [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Stores a request; `supersedes` names earlier requests of the same member that it holds the
 * changes of and that have no pull request yet: they become `superseded` in the same batch.
 */
export async function insertRequest(
  db: D1Database,
  r: NewRequest,
  supersedes: readonly string[] = [],
): Promise<void> {
  const at = r.now.toISOString();
  const statements = [
    db
      .prepare(
        `INSERT INTO change_requests (id, kind, handle, handle_skeleton, file_path, file_text, file_sha256,
           signature, state, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9, ?9)`,
      )
      .bind(r.id, r.kind, r.handle, r.handleSkeleton, r.filePath, r.fileText, r.fileSha256, r.signature, at),
    ...r.images.map((image) =>
      db
        .prepare('INSERT INTO change_request_images (request_id, path, bytes) VALUES (?1, ?2, ?3)')
        .bind(r.id, image.path, image.bytes),
    ),
  ];
  for (const old of supersedes)
    statements.push(
      db
        .prepare(
          `UPDATE change_requests SET state = 'superseded', updated_at = ?3
           WHERE id = ?1 AND handle = ?2 AND state = 'pending' AND pull_request_url IS NULL`,
        )
        .bind(old, r.handle, at),
    );
  if (r.application)
    statements.push(
      db
        .prepare(
          'INSERT INTO applications (request_id, contact_email, claim_hash, claim_expires_at) VALUES (?1, ?2, ?3, ?4)',
        )
        .bind(r.id, r.application.contactEmail, r.application.claimHash, r.application.claimExpiresAt),
    );
  await withRetry(() => db.batch(statements));
}

/** Handles of applications not declined whose skeleton is `skeleton`: nobody may apply for a look-alike. */
export async function applicationHandlesLike(db: D1Database, skeleton: string): Promise<string[]> {
  const { results } = await withRetry(() =>
    db
      .prepare(
        `SELECT DISTINCT handle FROM change_requests
         WHERE kind = 'application' AND handle_skeleton = ?1 AND state <> 'declined'`,
      )
      .bind(skeleton)
      .all<Row>(),
  );
  return results.map((row) => text(row, 'handle'));
}

const SUMMARY = `SELECT r.id, r.kind, r.handle, r.state, r.file_path, r.file_sha256, r.vet_errors,
    r.pull_request_url, r.created_at, r.updated_at,
    (SELECT json_group_array(path) FROM change_request_images i WHERE i.request_id = r.id) AS images
  FROM change_requests r`;

function summaryOf(row: Row): RequestSummary {
  const errors = textOrNull(row, 'vet_errors');
  return {
    id: text(row, 'id'),
    kind: text(row, 'kind') as RequestKind,
    handle: text(row, 'handle'),
    state: text(row, 'state') as RequestState,
    file_path: text(row, 'file_path'),
    file_sha256: text(row, 'file_sha256'),
    images: JSON.parse(text(row, 'images')) as string[],
    vet_errors: errors === null ? null : (JSON.parse(errors) as unknown),
    pull_request_url: textOrNull(row, 'pull_request_url'),
    created_at: text(row, 'created_at'),
    updated_at: text(row, 'updated_at'),
  };
}

/** Requests in a state (all states when null), oldest first, `limit` from `offset`, and the total. */
export async function listRequests(
  db: D1Database,
  state: RequestState | null,
  limit: number,
  offset: number,
): Promise<{ total: number; requests: RequestSummary[] }> {
  const [count, page] = await withRetry(() =>
    db.batch([
      db
        .prepare('SELECT COUNT(*) AS n FROM change_requests r WHERE (?1 IS NULL OR r.state = ?1)')
        .bind(state),
      db
        .prepare(
          `${SUMMARY} WHERE (?3 IS NULL OR r.state = ?3) ORDER BY r.created_at, r.id LIMIT ?1 OFFSET ?2`,
        )
        .bind(limit, offset, state),
    ]),
  );
  const total = integerOrZero((count?.results[0] ?? {}) as Row, 'n');
  return { total, requests: ((page?.results ?? []) as Row[]).map(summaryOf) };
}

/** Every request for one handle, newest first (a member has few). */
export async function requestsOf(db: D1Database, handle: string): Promise<RequestSummary[]> {
  const { results } = await withRetry(() =>
    db.prepare(`${SUMMARY} WHERE r.handle = ?1 ORDER BY r.created_at DESC, r.id`).bind(handle).all<Row>(),
  );
  return results.map(summaryOf);
}

// ---------------------------------------------------------------- the form's rate limit

/** At most MAX_APPLY_POSTS posts of the application form per visitor per hour. */
export const APPLY_WINDOW_MS = 60 * 60 * 1000;
export const MAX_APPLY_POSTS = 10;

function windowStart(now: number): number {
  return now - (now % APPLY_WINDOW_MS);
}

/**
 * Counts this post and answers whether the visitor is now over the limit, in one statement,
 * so two posts at once cannot both slip under it.
 */
export async function countApplyPost(db: D1Database, visitor: string, now: number): Promise<boolean> {
  const [counted] = await withRetry(() =>
    db.batch([
      db
        .prepare(
          `INSERT INTO apply_attempts (visitor_hash, window_start, attempts) VALUES (?1, ?2, 1)
           ON CONFLICT (visitor_hash, window_start) DO UPDATE SET attempts = attempts + 1
           RETURNING attempts`,
        )
        .bind(visitor, windowStart(now)),
      db
        .prepare('DELETE FROM apply_attempts WHERE window_start < ?1')
        .bind(windowStart(now) - APPLY_WINDOW_MS),
    ]),
  );
  return integer((counted?.results[0] ?? {}) as Row, 'attempts') > MAX_APPLY_POSTS;
}

/** One request whole, for `npm run requests -- sync`: the file, its signature and its images. */
export interface FullRequest extends RequestSummary {
  file_text: string;
  signature: string;
  image_bytes: { path: string; bytes: Uint8Array }[];
}

export async function readRequest(db: D1Database, id: string): Promise<FullRequest | null> {
  const [head, images] = await withRetry(() =>
    db.batch([
      db
        .prepare(
          `${SUMMARY.replace('SELECT r.id,', 'SELECT r.file_text, r.signature, r.id,')} WHERE r.id = ?1`,
        )
        .bind(id),
      db
        .prepare('SELECT path, bytes FROM change_request_images WHERE request_id = ?1 ORDER BY path')
        .bind(id),
    ]),
  );
  const row = head?.results[0] as Row | undefined;
  if (!row) return null;
  return {
    ...summaryOf(row),
    file_text: text(row, 'file_text'),
    signature: text(row, 'signature'),
    image_bytes: ((images?.results ?? []) as Row[]).map((r) => ({
      path: text(r, 'path'),
      bytes: new Uint8Array(r.bytes as ArrayBuffer),
    })),
  };
}

/**
 * Records what became of a request (the sync and the deploy report it): its state, the pull
 * request, the vet errors. Returns false for an unknown id.
 */
export async function updateRequest(
  db: D1Database,
  id: string,
  change: { state: RequestState; pull_request_url?: string | undefined; vet_errors?: unknown },
  now: Date,
): Promise<boolean> {
  const updated = await withRetry(() =>
    db
      .prepare(
        `UPDATE change_requests SET state = ?2, pull_request_url = COALESCE(?3, pull_request_url),
           vet_errors = ?4, updated_at = ?5 WHERE id = ?1`,
      )
      .bind(
        id,
        change.state,
        change.pull_request_url ?? null,
        change.vet_errors === undefined ? null : JSON.stringify(change.vet_errors),
        now.toISOString(),
      )
      .run(),
  );
  return (updated?.meta.changes ?? 0) > 0;
}

// ---------------------------------------------------------------- claim links

export type ClaimLookup =
  | { kind: 'unknown' }
  | { kind: 'used' }
  | { kind: 'expired' }
  | { kind: 'open'; handle: string; requestId: string };

/** What a claim link (by the SHA-256 of its token) can still do at `now`. */
export async function lookUpClaim(db: D1Database, claimHash: string, now: number): Promise<ClaimLookup> {
  const row = await withRetry(() =>
    db
      .prepare(
        `SELECT a.request_id, a.claim_expires_at, a.claimed_at, r.handle
         FROM applications a JOIN change_requests r ON r.id = a.request_id WHERE a.claim_hash = ?1`,
      )
      .bind(claimHash)
      .first<Row>(),
  );
  if (!row) return { kind: 'unknown' };
  if (row.claimed_at !== null) return { kind: 'used' };
  if (integer(row, 'claim_expires_at') <= now) return { kind: 'expired' };
  return { kind: 'open', handle: text(row, 'handle'), requestId: text(row, 'request_id') };
}

/**
 * Uses a claim link once: marks it claimed with the new token's hash and stores that token for
 * `handle`, in one batch. The token row is inserted only where this very claim set its hash, so
 * two claims at once mint one token. Returns whether this call claimed it.
 */
export async function claim(
  db: D1Database,
  claimHash: string,
  handle: string,
  tokenHash: string,
  now: number,
): Promise<boolean> {
  const [marked] = await withRetry(() =>
    db.batch([
      db
        .prepare(
          `UPDATE applications SET claimed_at = ?2, claimed_token_hash = ?3
           WHERE claim_hash = ?1 AND claimed_at IS NULL AND claim_expires_at > ?2`,
        )
        .bind(claimHash, now, tokenHash),
      db
        .prepare(
          `INSERT INTO api_tokens (token_hash, handle, label, created_at)
           SELECT ?1, ?2, 'claim link', ?3 FROM applications WHERE claimed_token_hash = ?1`,
        )
        .bind(tokenHash, handle, now),
    ]),
  );
  return (marked?.meta.changes ?? 0) === 1;
}

/** The member's latest request still open for more changes (pending, no pull request yet), or null. */
export async function openRequestOf(
  db: D1Database,
  handle: string,
): Promise<{ id: string; kind: RequestKind; file_text: string } | null> {
  const row = await withRetry(() =>
    db
      .prepare(
        `SELECT id, kind, file_text FROM change_requests
         WHERE handle = ?1 AND kind = 'edit' AND state = 'pending' AND pull_request_url IS NULL
         ORDER BY created_at DESC, id DESC LIMIT 1`,
      )
      .bind(handle)
      .first<Row>(),
  );
  return row
    ? { id: text(row, 'id'), kind: text(row, 'kind') as RequestKind, file_text: text(row, 'file_text') }
    : null;
}
