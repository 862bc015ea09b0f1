import { mkdirSync } from 'node:fs';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

/** The worker tests' static assets: the link data tests/worker/global-setup.ts writes from content/. */
export const TEST_ASSETS = '.wrangler/test-assets';
mkdirSync(TEST_ASSETS, { recursive: true });

export default defineConfig(async () => ({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/build/**/*.test.ts', 'tests/vet/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['./tests/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            main: './tests/worker/entry.ts',
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              assets: { directory: TEST_ASSETS, binding: 'ASSETS' },
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations('./migrations'),
                VISITOR_HASH_SECRET: 'test-visitor-secret',
                ORDER_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
                ADMIN_TOKEN: 'test-admin-token-0123456789abcdefghij',
                // The published development key (domain/requests/dev-key.ts; public: lrZPNdx1lr3UD6EcY5NyiaYaucCf3OG7vDFBCcgoTWA=).
                REQUEST_SIGNING_KEY: 'MC4CAQAwBQYDK2VwBCIEIMTgzQYGOqoXLiw7dJBiOH1ijOAjZKcgVdjDCXvpIQnY',
              },
            },
          }),
        ],
        test: {
          name: 'worker',
          include: ['tests/worker/**/*.test.ts'],
          // Generous: a 2-core machine running the e2e project at the same time slows workerd several-fold.
          testTimeout: 30_000,
          setupFiles: ['./tests/worker/apply-migrations.ts'],
          globalSetup: ['./tests/worker/global-setup.ts'],
        },
      },
    ],
  },
}));
