/**
 * The vetting check as one pure function: two revisions of content in, a result
 * out (errors, a scorecard and policy findings per touched storefront, and what
 * the live site would gain or lose). scripts/vet.ts does the git and file work.
 */
import type { Member } from '../content/schema.ts';
import { validateContent, type ContentError, type ContentSources } from '../content/validate.ts';
import {
  diffFiles,
  isInfluencerFile,
  storefrontChanges,
  type FileChanges,
  type StorefrontChange,
} from './changes.ts';
import { reservedHandles } from './handles.ts';
import { changedPathsPolicy, type ChangedPath } from './paths.ts';
import { ownerOf, type RequestCheck } from './owners.ts';
import type { Finding } from './finding.ts';
import { pullRequestPolicy, storefrontPolicy, type PolicyContext } from './policy.ts';
import { rateTableFindings } from './rate-tables.ts';
import { scorecardOf, type MemberScorecard } from './scorecard.ts';
import { associateScorecardOf } from './website.ts';
import { siteChanges, type SiteChanges } from './site-diff.ts';
import { snapshotOf } from './snapshot.ts';

export interface Revision {
  /** Repository path -> text of every content file. */
  files: ReadonlyMap<string, string>;
  sources: ContentSources;
}

export interface VetInput {
  base: Revision & { label: string; sha: string };
  head: Revision;
  /** GitHub login of the pull request's author, or null when unknown (checked as a non-admin). */
  author: string | null;
  /** Whether a path under the site's public folder exists (for avatars like "/images/avatars/x.png"). */
  publicFileExists: (path: string) => boolean;
  /** Today, "YYYY-MM-DD" UTC: rate tables starting on or before it may no longer change. */
  today: string;
  /** Every path the pull request adds, changes or removes, content or not. */
  paths: readonly ChangedPath[];
  /** The request branch's signature check (scripts/lib/vet/request.ts), or null when not a request branch. */
  request: RequestCheck | null;
}

export interface Application {
  change: StorefrontChange;
  /** Null when the file does not pass its schema (its errors are in contentErrors). */
  influencer: Member | null;
  /** The influencer scorecard (reach, engagement...) or, for an associate, the website scorecard. */
  scorecard: MemberScorecard | null;
  findings: Finding[];
}

export interface VetResult {
  base: { label: string; sha: string };
  author: string | null;
  isAdmin: boolean;
  admins: string[];
  files: FileChanges;
  contentErrors: ContentError[];
  applications: Application[];
  pullRequest: (Finding & { file: string })[];
  site: SiteChanges;
}

export function vet(input: VetInput): VetResult {
  const base = snapshotOf(input.base.sources);
  const head = snapshotOf(input.head.sources);
  const { errors: contentErrors } = validateContent(input.head.sources);

  const admins = base.program?.admins ?? [];
  const author = input.author?.replace(/^@/, '') || null;
  const isAdmin = author !== null && admins.some((a) => a.toLowerCase() === author.toLowerCase());
  const reserved = reservedHandles(base.program?.reserved_handles, head.program?.reserved_handles);

  const files = diffFiles(input.base.files, input.head.files);
  const storefronts = storefrontChanges(files, head);
  const ctx: PolicyContext = {
    base,
    head,
    basePaths: [...input.base.files.keys()].filter(isInfluencerFile),
    headPaths: [...input.head.files.keys()].filter(isInfluencerFile),
    author,
    isAdmin,
    reserved,
    request: input.request,
    today: input.today,
  };

  const applications = storefronts.changed.map((change) =>
    applicationOf(change, ctx, input.publicFileExists),
  );

  return {
    base: { label: input.base.label, sha: input.base.sha },
    author,
    isAdmin,
    admins,
    files,
    contentErrors,
    applications,
    pullRequest: [
      ...pullRequestPolicy(files, storefronts.removed, isAdmin),
      // Only when the base's rates are readable: a broken base must not make every table look new.
      ...(Object.keys(base.rates).length > 0 ? rateTableFindings(base.rates, head.rates, input.today) : []),
      ...changedPathsPolicy(input.paths, {
        isAdmin,
        author,
        changedHandles: new Set(
          storefronts.changed.flatMap((c) => (c.kind === 'renamed' ? [c.handle, c.fromHandle] : [c.handle])),
        ),
        owners: new Map(
          [...base.influencers.values()].flatMap((i) => {
            const owner = ownerOf(i);
            return owner?.kind === 'github' ? [[i.handle, owner.login]] : [];
          }),
        ),
        signedHandle: input.request?.verified ? input.request.handle : null,
      }),
    ],
    site: siteChanges(base, head),
  };
}

/** One changed storefront: its scorecard (influencer or associate) and its policy findings. */
function applicationOf(
  change: StorefrontChange,
  ctx: PolicyContext,
  publicFileExists: VetInput['publicFileExists'],
): Application {
  const { head } = ctx;
  const value = head.influencers.get(change.path) ?? null;
  if (!value) return { change, influencer: null, scorecard: null, findings: [] };
  const avatarFound = value.avatar.startsWith('/') ? publicFileExists(value.avatar) : null;
  const scorecard =
    value.program === 'associate'
      ? associateScorecardOf(
          value,
          head.program?.categories ?? [],
          head.retailers.flatMap((r) => r.hosts),
        )
      : scorecardOf(value, head.products, avatarFound);
  return { change, influencer: value, scorecard, findings: storefrontPolicy(change, value, ctx) };
}

/** Everything that makes `npm run vet` fail: content errors, then policy errors. */
export function errorsOf(result: VetResult): ContentError[] {
  const policy = [
    ...result.applications.flatMap((a) =>
      a.findings
        .filter((f) => f.level === 'error')
        .map((f) => ({ file: a.change.path, field: f.field, message: f.message })),
    ),
    ...result.pullRequest
      .filter((f) => f.level === 'error')
      .map((f) => ({ file: f.file, field: f.field, message: f.message })),
  ];
  return [...result.contentErrors, ...policy];
}
