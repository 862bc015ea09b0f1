/** What tests/e2e/global-setup.ts provides every e2e test file: the running local system. */
import { inject } from 'vitest';

/** Its base URL, its D1 state folder (for the scripts) and the secrets it runs with. */
export function localSystem() {
  return {
    base: inject('baseUrl'),
    persistTo: inject('persistTo'),
    adminToken: inject('adminToken'),
    webhookSecret: inject('webhookSecret'),
  };
}
