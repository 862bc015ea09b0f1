/**
 * The Worker's required secrets, in one place for the worker's configuration check
 * (worker/config/check.ts: /healthz and the routes that need a setting) and the deploy command
 * (scripts/deploy.ts: refuses to deploy while one is not set).
 */

/** Settings that must be set as secrets (`wrangler secret put NAME`; locally in .dev.vars). */
export const REQUIRED_SECRETS = [
  'VISITOR_HASH_SECRET',
  'ORDER_WEBHOOK_SECRET',
  'ADMIN_TOKEN',
  'REQUEST_SIGNING_KEY',
] as const;
export type Setting = (typeof REQUIRED_SECRETS)[number];
