import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { inject } from 'vitest';

// The real numbered migrations, the same files `wrangler d1 migrations apply` runs.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// The catalog copy the dashboards and the link builder read, as `npm start` fills it.
await env.DB.batch(inject('catalogSql').map((sql) => env.DB.prepare(sql)));
