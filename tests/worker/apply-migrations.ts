import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

// The real numbered migrations, the same files `wrangler d1 migrations apply` runs.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
