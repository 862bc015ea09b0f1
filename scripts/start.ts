/**
 * `npm start`: the whole system on one machine. Makes local secrets on first run,
 * builds the site and worker, applies D1 migrations locally, copies the catalog into
 * D1 (the link builder searches it), seeds sample history,
 * then serves everything with `wrangler dev`.
 */
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureDevVars } from './lib/dev-vars.ts';

const port = process.env.PORT ?? '8787';

function run(command: string, args: string[]): void {
  console.log(`\n> ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

const created = ensureDevVars('.dev.vars');
if (created) console.log('Created .dev.vars with fresh local secrets (never commit it).');

run('node', ['scripts/build.ts']);
run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local']);
run('node', ['scripts/sync-catalog.ts']);
if (existsSync('scripts/seed.ts')) run('node', ['scripts/seed.ts']);

console.log(`\nshopfront is starting on http://localhost:${port}/  (Ctrl+C to stop)\n`);
const server = spawn(
  'wrangler',
  ['dev', '--port', port, '--ip', '127.0.0.1', '--show-interactive-dev-session=false'],
  {
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
