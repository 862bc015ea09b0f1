/**
 * `npm run token -- create <handle> [--label <text>] [--remote]`: makes an API
 * token for an influencer's stats (GET /api/stats/<handle>), prints it once, and
 * stores only its SHA-256 in D1 (local by default, the deployed D1 with --remote).
 * `npm run token -- revoke <handle> [--remote]` revokes all of that handle's tokens.
 */
import { formatError } from '../domain/content/validate.ts';
import { utcDay } from '../domain/time.ts';
import { contentDir } from '../build/content-gate.ts';
import { loadContent } from '../build/load-content.ts';
import { d1Execute } from './lib/harness/d1.ts';
import { parseArgsOrUsage, TARGET_OPTIONS } from './lib/orders/target.ts';
import { insertTokenSql, newInfluencerToken, revokeTokensSql } from './lib/orders/tokens.ts';

const USAGE =
  'usage: npm run token -- create <handle> [--label <text>] [--remote]\n       npm run token -- revoke <handle> [--remote]';

function main(): number {
  const parsed = parseArgsOrUsage(
    {
      allowPositionals: true,
      options: {
        remote: TARGET_OPTIONS.remote,
        label: { type: 'string' },
        // A local D1 state folder other than wrangler's default (as `wrangler dev --persist-to`).
        'persist-to': { type: 'string' },
      },
    },
    USAGE,
  );
  if (!parsed) return 2;
  const [command, handle, ...rest] = parsed.positionals;
  if ((command !== 'create' && command !== 'revoke') || !handle || rest.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const { content, errors } = loadContent(contentDir());
  if (!content) {
    for (const error of errors) console.error(formatError(error));
    return 1;
  }
  const influencer = content.influencers.find((i) => i.handle === handle);
  if (!influencer) {
    console.error(`unknown handle "${handle}" (no content/influencers/${handle}.yaml)`);
    return 1;
  }
  const target = { remote: parsed.values.remote, persistTo: parsed.values['persist-to'] };
  const where = target.remote ? 'the deployed D1' : 'the local D1';
  try {
    if (command === 'revoke') {
      d1Execute(revokeTokensSql({ handle }), target);
      console.log(`Revoked every token of ${handle} in ${where}.`);
      return 0;
    }
    const token = newInfluencerToken();
    const label = parsed.values.label ?? `created ${utcDay(Date.now())}`;
    d1Execute(insertTokenSql(token, handle, label), target);
    if (influencer.status !== 'approved')
      console.warn(`note: ${handle} is ${influencer.status}, not approved`);
    console.log(
      `New token for ${handle} (stored in ${where} as a SHA-256 hash; it is shown only now):\n\n  ${token}\n`,
    );
    console.log(`Use it as: Authorization: Bearer ${token.slice(0, 8)}...  on GET /api/stats/${handle}`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    console.error(
      target.remote ? '' : 'Has `npm start` (or `npm run db:migrate:local`) created the local database?',
    );
    return 1;
  }
}

process.exit(main());
