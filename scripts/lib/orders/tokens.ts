/** Influencer API tokens: made here, shown once, stored in D1 only as their SHA-256. */
import { createHash, randomBytes } from 'node:crypto';
import { sqlLiteral } from './sql.ts';

/** "sft_" + 256 random bits, base64url: the format worker/auth/tokens.ts accepts. */
export function newInfluencerToken(): string {
  return `sft_${randomBytes(32).toString('base64url')}`;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function insertTokenSql(token: string, handle: string, label: string, now = Date.now()): string {
  return (
    'INSERT INTO api_tokens (token_hash, handle, label, created_at) VALUES ' +
    `(${sqlLiteral(tokenHash(token))}, ${sqlLiteral(handle)}, ${sqlLiteral(label)}, ${sqlLiteral(now)});`
  );
}

export function revokeTokensSql(where: { handle?: string; label?: string }, now = Date.now()): string {
  const conditions = ['revoked_at IS NULL'];
  if (where.handle) conditions.push(`handle = ${sqlLiteral(where.handle)}`);
  if (where.label) conditions.push(`label = ${sqlLiteral(where.label)}`);
  return `UPDATE api_tokens SET revoked_at = ${sqlLiteral(now)} WHERE ${conditions.join(' AND ')};`;
}
