/**
 * How long ADMIN_TOKEN must be. The admin token opens the admin console and every
 * admin API; a short one can be guessed even with failures rate-limited. A shorter
 * value is a misconfiguration that /healthz reports (CONTRACT.md section 9), and it opens
 * nothing anywhere (section 16): not /api/admin, not /api/stats, not the dashboard sign-in
 * (worker/auth/tokens.ts asks usableAdminToken). The problem never states the value's length
 * (/healthz and the 503 of /api/admin are public): that would tell a guesser how far to go.
 */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** Why an ADMIN_TOKEN value is unusable, or null. (A missing one is reported as missing elsewhere.) */
export function adminTokenProblem(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  return value.length < MIN_ADMIN_TOKEN_LENGTH
    ? `too short: at least ${MIN_ADMIN_TOKEN_LENGTH} characters needed (e.g. openssl rand -base64 32)`
    : null;
}

/** ADMIN_TOKEN when it may open anything: set and long enough; else null. */
export function usableAdminToken(value: string | undefined): string | null {
  return value && adminTokenProblem(value) === null ? value : null;
}
