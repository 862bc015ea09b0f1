/** Starts the real system (astro build + wrangler dev on a throwaway local D1) for the browser tests. */
import type { TestProject } from 'vitest/node';
import { startLocalSystem, type LocalSystem } from '../../scripts/lib/harness/local-system.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    persistTo: string;
    adminToken: string;
    webhookSecret: string;
  }
}

let system: LocalSystem | undefined;

export async function setup(project: TestProject) {
  system = await startLocalSystem({ build: true });
  project.provide('baseUrl', system.url);
  project.provide('persistTo', system.persistTo);
  project.provide('adminToken', system.secrets.ADMIN_TOKEN ?? '');
  project.provide('webhookSecret', system.secrets.ORDER_WEBHOOK_SECRET ?? '');
}

export async function teardown() {
  await system?.stop();
}
