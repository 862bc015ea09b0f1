/**
 * How long ADMIN_TOKEN must be. The admin token opens the admin console and every
 * admin API; a short one can be guessed even with failures rate-limited. A shorter
 * value is a misconfiguration that /healthz reports (CONTRACT.md section 9).
 */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** Why an ADMIN_TOKEN value is unusable, or null. (A missing one is reported as missing elsewhere.) */
export function adminTokenProblem(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  return value.length < MIN_ADMIN_TOKEN_LENGTH
    ? `too short: ${value.length} characters, at least ${MIN_ADMIN_TOKEN_LENGTH} needed (e.g. openssl rand -base64 32)`
    : null;
}
