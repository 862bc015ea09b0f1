/**
 * `npm run deploy`: refuses to deploy a Worker that would start misconfigured. First it asks
 * Cloudflare (`wrangler secret list`) whether every required secret is set; if one is
 * missing it names it, says how to set it and stops, before anything is built or migrated.
 * Then: the product data refresh (scripts/catalog-refresh.ts: Amazon's Creators API when its
 * credentials are set, else no prices; never the offline fixture), astro build, remote D1 migrations, the catalog copy in D1 (scripts/sync-catalog.ts),
 * wrangler deploy, stopping at the first failure.
 * It also refuses while content/program.yaml still carries the published development
 * signing key (docs/requests.md): anyone could sign request branches that vet accepts.
 * `--check-only` runs the checks alone; `--allow-dev-signing-key` is for a throwaway test deploy.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { REQUIRED_SECRETS } from '../domain/config/secrets.ts';
import { DEV_REQUEST_PUBLIC_KEY } from '../domain/requests/dev-key.ts';
import { loadContent } from '../build/load-content.ts';
import { formatError } from '../domain/content/validate.ts';

const secretList = z.array(z.object({ name: z.string() }));

function run(command: string, args: string[]): boolean {
  console.log(`\n> ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit' }).status === 0;
}

function checkSecrets(): boolean {
  const listing = spawnSync('wrangler', ['secret', 'list', '--format', 'json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (listing.status !== 0) {
    console.error(
      `deploy: stopped. \`wrangler secret list\` failed, so the secrets cannot be checked:\n${(listing.stderr || listing.stdout).trim()}\n` +
        'Log in with `npx wrangler login` (or set CLOUDFLARE_API_TOKEN). A Worker that does not exist yet has no secrets: ' +
        'set them first with `npx wrangler secret put <NAME>`.',
    );
    return false;
  }
  let parsed;
  try {
    parsed = secretList.safeParse(JSON.parse(listing.stdout.slice(listing.stdout.indexOf('['))));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) {
    console.error(
      `deploy: stopped. Unexpected output from \`wrangler secret list\`:\n${listing.stdout.trim()}`,
    );
    return false;
  }
  const listed = new Set(parsed.data.map((s) => s.name));
  const missing = REQUIRED_SECRETS.filter((name) => !listed.has(name));
  if (missing.length > 0) {
    console.error(
      `deploy: stopped. Required secret(s) not set on the Worker: ${missing.join(', ')}.\n` +
        missing.map((name) => `  npx wrangler secret put ${name}${hint(name)}`).join('\n') +
        '\nThen run `npm run deploy` again. (/healthz would answer 503 naming them.)',
    );
    return false;
  }
  console.log(`deploy: required secrets are set (${REQUIRED_SECRETS.join(', ')}).`);
  return true;
}

function hint(name: string): string {
  if (name === 'ORDER_WEBHOOK_SECRET') return '   # whsec_<base64>, as the order sender shows it';
  if (name === 'ADMIN_TOKEN') return '   # a long random token, e.g. `openssl rand -base64 32`';
  return '   # any long random string, e.g. `openssl rand -base64 32`';
}

/** The content must validate and must not publish the development signing key's public half. */
function checkContent(allowDevKey: boolean): boolean {
  const { content, errors } = loadContent('content');
  if (!content) {
    console.error(`deploy: stopped. content/ does not validate:\n${errors.map(formatError).join('\n')}`);
    return false;
  }
  if (content.program.request_signing_public_key === DEV_REQUEST_PUBLIC_KEY && !allowDevKey) {
    console.error(
      'deploy: stopped. content/program.yaml: request_signing_public_key is the published development key, so anyone ' +
        'could sign request branches that vet accepts. Make your own pair (docs/requests.md, "Signing keys"), put its ' +
        'public half there and its private half in `npx wrangler secret put REQUEST_SIGNING_KEY`.',
    );
    return false;
  }
  return true;
}

function main(): number {
  const { values } = parseArgs({
    options: {
      'check-only': { type: 'boolean', default: false },
      'allow-dev-signing-key': { type: 'boolean', default: false },
    },
  });
  if (!checkContent(values['allow-dev-signing-key'])) return 1;
  if (!checkSecrets()) return 1;
  if (values['check-only']) return 0;
  const steps: [string, string[]][] = [
    // Prices shown by the pages come only from this refresh, and go stale price_max_age_hours later.
    ['node', ['scripts/catalog-refresh.ts']],
    ['node', ['scripts/build.ts']],
    ['wrangler', ['d1', 'migrations', 'apply', 'DB', '--remote']],
    // The link builder's catalog copy (migration 0009), from the content just built.
    ['node', ['scripts/sync-catalog.ts', '--remote']],
    ['wrangler', ['deploy']],
  ];
  for (const [command, args] of steps) {
    if (!run(command, args)) {
      console.error(`deploy: stopped, \`${command} ${args.join(' ')}\` failed.`);
      return 1;
    }
  }
  return 0;
}

process.exit(main());
