import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { adminTokenProblem } from '../../domain/security/admin-token.ts';
import { DEV_REQUEST_SIGNING_KEY } from '../../domain/requests/dev-key.ts';

/** Local secrets for `wrangler dev`; values are random per machine. */
export function freshDevVars(): Record<string, string> {
  return {
    VISITOR_HASH_SECRET: randomBytes(32).toString('base64url'),
    ORDER_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
    ADMIN_TOKEN: `adm_${randomBytes(24).toString('base64url')}`,
    // Not random: its public half is in the sample content/program.yaml, so local request branches verify.
    REQUEST_SIGNING_KEY: DEV_REQUEST_SIGNING_KEY,
  };
}

/** Writes .dev.vars when missing (or missing a key); returns true when it wrote. */
export function ensureDevVars(path: string): boolean {
  const existing = existsSync(path) ? readDevVars(path) : {};
  const wanted = freshDevVars();
  // An admin token shorter than 32 characters is a misconfiguration (/healthz says so): replace it too.
  const missing = Object.keys(wanted).filter(
    (key) =>
      !existing[key] ||
      existing[key] === 'change-me' ||
      (key === 'ADMIN_TOKEN' && adminTokenProblem(existing[key]) !== null),
  );
  if (missing.length === 0) return false;
  const merged = { ...existing, ...Object.fromEntries(missing.map((key) => [key, wanted[key] ?? ''])) };
  const body = Object.entries(merged)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
  writeFileSync(path, `# Local secrets for wrangler dev, made by npm start. Never commit.\n${body}\n`, {
    mode: 0o600,
  });
  return true;
}

export function readDevVars(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1]) out[match[1]] = (match[2] ?? '').replace(/^"(.*)"$/, '$1');
  }
  return out;
}
