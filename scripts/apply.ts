/**
 * `npm run apply -- <handle> [--program influencer|associate] [--github <login>]`: writes
 * content/influencers/<handle>.yaml, an application (a storefront by default, a
 * website associate with `--program associate`) that already passes
 * `npm run check:content`, with TODOs to fill in, and a placeholder PNG at the
 * applicant's avatar path. Refuses a handle that is malformed, reserved, taken or a look-alike.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { influencer, memberProgram, platform } from '../domain/content/schema.ts';
import { utcDay } from '../domain/time.ts';
import { baseName } from '../domain/content/validate.ts';
import { CONTENT_DIR, INFLUENCER_DIR } from '../domain/vet/changes.ts';
import { newHandleProblem, reservedHandles } from '../domain/vet/handles.ts';
import { placeholderAvatar } from '../domain/vet/png.ts';
import { avatarPath, scaffoldAssociate, scaffoldInfluencer } from '../domain/vet/scaffold.ts';
import { snapshotOf } from '../domain/vet/snapshot.ts';
import { PUBLIC_DIR, readContentSources } from '../build/load-content.ts';

function refuse(message: string, code = 1): never {
  console.error(`apply: ${message}`);
  process.exit(code);
}

const USAGE =
  'usage: npm run apply -- <handle> [--program influencer|associate] [--github <your-login>]   (e.g. npm run apply -- jane-cooks --github jane, npm run apply -- jane-reviews --program associate)';

let positionals: string[] = [];
let programArg: string | undefined;
let github: string | undefined;
try {
  const parsed = parseArgs({
    allowPositionals: true,
    options: { program: { type: 'string' }, github: { type: 'string' } },
  });
  positionals = parsed.positionals;
  programArg = parsed.values.program;
  github = parsed.values.github;
} catch (error) {
  refuse(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, 2);
}
const [handle, ...extra] = positionals;
if (handle === undefined || extra.length > 0) refuse(USAGE, 2);
const chosen = memberProgram.safeParse(programArg ?? 'influencer');
if (!chosen.success) refuse(`--program ${programArg} must be influencer or associate\n${USAGE}`, 2);
const program = chosen.data;
if (github !== undefined && !influencer.shape.github.safeParse(github).success)
  refuse(`--github ${github} must be a GitHub login\n${USAGE}`, 2);

if (!existsSync(`${CONTENT_DIR}/program.yaml`))
  refuse(`no ${CONTENT_DIR}/program.yaml here: run this from the repository root`, 2);
const sources = readContentSources(CONTENT_DIR);
const content = snapshotOf(sources);
if (!content.program) refuse(`${CONTENT_DIR}/program.yaml does not validate; run npm run check:content`, 2);

const path = `${INFLUENCER_DIR}${handle}.yaml`;
if (existsSync(path) || existsSync(path.replace(/\.yaml$/, '.yml')))
  refuse(`${path} already exists: edit it instead, or pick another handle`);

const taken = [
  ...sources.influencers.map((s) => baseName(s.path)),
  ...[...content.influencers.values()].flatMap((i) => i.previous_handles),
];
const problem = newHandleProblem(handle, reservedHandles(content.program.reserved_handles), taken);
if (problem) refuse(`cannot use this handle: ${problem}. Pick another one.`);

const today = utcDay(Date.now());
const exampleProduct = [...content.products.values()].find((p) => p.available)?.id;
writeFileSync(
  path,
  program === 'associate'
    ? scaffoldAssociate({ handle, today, categories: content.program.categories, github })
    : scaffoldInfluencer({
        handle,
        today,
        categories: content.program.categories,
        platforms: platform.options,
        exampleProduct,
        github,
      }),
);
// A placeholder at the applicant's own avatar path, so the file validates from the start.
const avatar = `${PUBLIC_DIR}${avatarPath(handle)}`;
if (!existsSync(avatar)) {
  mkdirSync(dirname(avatar), { recursive: true });
  writeFileSync(avatar, placeholderAvatar());
}
console.log(
  program === 'associate'
    ? `Created ${path} (associate program: a website publisher, no storefront page) and a placeholder avatar ${avatar}. Next:
  1. Replace every TODO in it (name, bio, tracking_id, website, audience, niche, disclosure_url, categories).
  2. Replace ${avatar} with your logo: PNG, JPEG, WebP or AVIF (SVG is refused).
  3. npm run check:content   (schema and cross-file rules)
  4. npm run vet             (the scorecard reviewers will see)
  5. Commit, push to your fork and open a pull request (see CONTRIBUTING.md).`
    : `Created ${path} and a placeholder avatar ${avatar}. Next:
  1. Replace every TODO in it (name, bio, tracking_id, socials, categories) and add your lists.
  2. Replace ${avatar} with your photo: PNG, JPEG, WebP or AVIF, at most 2 MB and 4096 px a side
     (SVG is refused). Other images of yours go under ${PUBLIC_DIR}/images/members/${handle}/.
  3. npm run check:content   (schema and cross-file rules)
  4. npm run vet             (the scorecard reviewers will see)
  5. Commit, push to your fork and open a pull request (see CONTRIBUTING.md).`,
);
