/** Words the vetting result as the Markdown report posted on the pull request. */
import type { Associate, Influencer } from '../content/schema.ts';
import { formatError, type ContentError } from '../content/validate.ts';
import { code, count, percent, plural, inlineText } from './markdown.ts';
import type { Finding, Level } from './finding.ts';
import { MIN_LIST_ITEMS } from './quality.ts';
import { MAX_SCORE, type Scorecard } from './scorecard.ts';
import type { SiteChanges, StorefrontEdit } from './site-diff.ts';
import type { AssociateScorecard, Dimension } from './website.ts';
import { errorsOf, type Application, type VetResult } from './vet.ts';

/** First line of every report: the workflow finds its own PR comment by it. */
export const REPORT_MARKER = '<!-- shopfront-vet-report -->';

const ICON: Record<Level, string> = { pass: '✅', warn: '⚠️', error: '❌' };

export function renderReport(result: VetResult): string {
  const errors = errorsOf(result);
  const out: string[] = [REPORT_MARKER, '# Vetting report', ''];
  const who = result.author
    ? `@\u200b${inlineText(result.author)} (${result.isAdmin ? 'an admin' : 'not an admin'} at the base revision)`
    : 'not given (checked as a non-admin; pass `--author <login>`)';
  out.push(
    `Compared \`content/\` at ${code(result.base.sha.slice(0, 12))} (${inlineText(result.base.label)}) with the working tree. Author: ${who}.`,
    '',
  );
  out.push(
    errors.length > 0
      ? `**Result: ❌ ${plural(errors.length, 'error')}.** Fix before review: this check must pass before merging.`
      : '**Result: ✅ no errors.** The scorecard informs the reviewers; there is no pass mark, people decide.',
    '',
  );

  if (errors.length > 0) {
    out.push('## Errors', '');
    for (const e of errors) out.push(`- ${code(formatError(e))}`);
    out.push('');
  }

  out.push('## Storefronts in this pull request', '');
  if (result.applications.length === 0) out.push('No influencer file is added or changed.', '');
  for (const app of result.applications) out.push(...renderApplication(app));

  if (result.pullRequest.length > 0) {
    out.push('## Pull request', '');
    for (const f of result.pullRequest)
      out.push(`- ${ICON[f.level]} **${f.check}** ${code(f.file)}: ${inlineText(f.message)}`);
    out.push('');
  }

  out.push(...renderSite(result.site));
  out.push(
    '---',
    `Tiers by the largest single audience: nano < 10k ≤ micro < 100k ≤ mid < 500k ≤ macro < 1M ≤ mega. ` +
      `Scores are 0-5 per dimension (${MAX_SCORE} in all). Made by \`npm run vet\`; see CONTRIBUTING.md.`,
    '',
  );
  return out.join('\n');
}

/** The report when the check refuses to read the content at all. */
export function renderRefusal(errors: readonly ContentError[]): string {
  return [
    REPORT_MARKER,
    '# Vetting report',
    '',
    `**Result: ❌ ${plural(errors.length, 'error')}.** The content could not be vetted:`,
    '',
    ...errors.map((e) => `- ${code(formatError(e))}`),
    '',
  ].join('\n');
}

function heading(app: Application): string {
  const { change } = app;
  const what =
    change.kind === 'added'
      ? app.influencer?.status === 'applied'
        ? 'new application'
        : 'new storefront'
      : change.kind === 'renamed'
        ? `renamed from ${code(change.fromHandle)}`
        : 'edited';
  const program = app.influencer ? ` · ${app.influencer.program} program` : '';
  return `### ${code(change.handle)} · ${what}${program}`;
}

function renderApplication(app: Application): string[] {
  const out = [heading(app), ''];
  if (!app.influencer || !app.scorecard) {
    out.push(
      `${code(app.change.path)} does not pass the content schema (see Errors), so it cannot be scored yet.`,
      '',
    );
    return out;
  }
  const i = app.influencer;
  const s = app.scorecard;
  out.push(
    `${code(app.change.path)} · ${inlineText(i.name)} · ${i.program} · status ${code(i.status)} · applied on ${i.applied_on} · score **${s.total}/${MAX_SCORE}**`,
    '',
  );
  if (i.program === 'associate' && s.program === 'associate') out.push(...associateSections(i, s));
  else if (i.program === 'influencer' && s.program === 'influencer') {
    out.push(...scoreTable(i, s));
    out.push(...reachSection(s), ...engagementSection(s), ...qualitySection(s), ...relevancySection(i, s));
  }
  out.push('#### Policy', '');
  for (const f of app.findings) out.push(findingLine(f));
  out.push('', ...associatesChannels(app));
  return out;
}

/**
 * On approval, the channels the admin must add to the Associates account's list of websites and
 * mobile apps before links go out there (Amazon's Operating Agreement requires every channel
 * that carries its links to be listed): the member's profiles, or an associate's website.
 */
function associatesChannels(app: Application): string[] {
  const i = app.influencer;
  const approved = app.findings.some(
    (f) =>
      f.check === 'Status' &&
      f.level === 'pass' &&
      / → approved, set by an admin$/.test(f.message) &&
      !f.message.startsWith('approved'),
  );
  if (!i || i.status !== 'approved' || !approved) return [];
  const channels = i.program === 'associate' ? [i.website] : i.socials.map((p) => p.url);
  return [
    '#### Add to the Associates account',
    '',
    'Amazon requires every channel that carries the links to be listed in the Associates account (Account settings, websites and mobile apps) before the links go out there:',
    '',
    ...channels.map((url) => `- ${code(url)}`),
    '',
  ];
}

function findingLine(f: Finding): string {
  const field = f.field === '(file)' ? '' : ` (${code(f.field)})`;
  return `- ${ICON[f.level]} **${f.check}**${field}: ${inlineText(f.message)}`;
}

function scoreTable(i: Influencer, s: Scorecard): string[] {
  const { reach, engagement, quality, relevancy } = s;
  return [
    '| Dimension | Score | Summary |',
    '| --- | --- | --- |',
    `| Reach | ${reach.score}/5 | ${reach.tier}, ${count(reach.largest?.followers ?? 0)} on the largest platform |`,
    `| Engagement | ${engagement.score}/5 | ${engagement.weightedRate === null ? 'no rates given' : `${percent(engagement.weightedRate)} weighted by followers`} |`,
    `| Content quality | ${quality.score}/5 | ${
      quality.checks
        .filter((c) => c.ok)
        .map((c) => c.label.toLowerCase())
        .join(', ') || 'nothing yet'
    } |`,
    `| Relevancy | ${relevancy.score}/5 | ${relevancy.share === null ? 'no products yet' : `${percent(relevancy.share)} in ${inlineText(i.categories.join(', '))}`} |`,
    '',
  ];
}

function reachSection(s: Scorecard): string[] {
  const rates = new Map(s.engagement.platforms.map((p) => [p.platform, p]));
  const out = [
    '#### Reach',
    '',
    '| Platform | Followers | Tier | Engagement | Posts (90 days) |',
    '| --- | ---: | --- | ---: | ---: |',
  ];
  for (const p of s.reach.platforms) {
    const e = rates.get(p.platform);
    out.push(
      `| ${p.platform} | ${count(p.followers)} | ${p.tier} | ${e?.rate == null ? '–' : percent(e.rate)} | ${e?.postsLast90Days == null ? '–' : count(e.postsLast90Days)} |`,
    );
  }
  const largest = s.reach.largest;
  out.push(
    '',
    `- Total followers: ${count(s.reach.total)} across ${plural(s.reach.platforms.length, 'platform')} (a sum; audiences overlap)`,
    `- Tier: **${s.reach.tier}**` +
      (largest ? ` (largest audience: ${largest.platform}, ${count(largest.followers)} followers)` : ''),
    '',
  );
  return out;
}

function engagementSection(s: Scorecard): string[] {
  const out = ['#### Engagement', ''];
  for (const p of s.engagement.platforms) {
    const tier = s.reach.platforms.find((r) => r.platform === p.platform)?.tier ?? 'nano';
    if (p.rate === null) out.push(`- ➖ ${p.platform}: not given`);
    else if (p.flag) out.push(`- ⚠️ ${p.platform}: ${p.flag}`);
    else out.push(`- ✅ ${p.platform}: ${percent(p.rate)}, plausible for a ${tier} account`);
    if (p.postsLast90Days === 0) out.push(`- ⚠️ ${p.platform}: no posts in the last 90 days`);
  }
  out.push('');
  return out;
}

function qualitySection(s: Scorecard): string[] {
  const out = ['#### Content quality', ''];
  for (const c of s.quality.checks) out.push(`- ${c.ok ? '✅' : '⚠️'} ${c.label}: ${inlineText(c.detail)}`);
  if (s.quality.placeholders.length > 0)
    out.push(`- ⚠️ Placeholders still to fill in: ${s.quality.placeholders.map(code).join(', ')}`);
  if (s.quality.unavailable.length > 0)
    out.push(
      `- ⚠️ Unavailable products (hidden from the storefront): ${s.quality.unavailable.map(code).join(', ')}`,
    );
  out.push(`- Lists need at least ${MIN_LIST_ITEMS} items to count as full.`, '');
  return out;
}

function relevancySection(i: Influencer, s: Scorecard): string[] {
  const r = s.relevancy;
  const out = ['#### Relevancy', ''];
  if (r.share === null) out.push('- No products listed yet.');
  else {
    out.push(
      `- ${r.inCategories} of ${plural(r.total, 'product')} (${percent(r.share)}) are in the declared categories (${inlineText(i.categories.join(', '))})`,
    );
    if (r.outside.length > 0)
      out.push(
        `- Outside them: ${r.outside.map((o) => `${code(o.id)} (${inlineText(o.category)})`).join(', ')}`,
      );
  }
  out.push('');
  return out;
}

/** An associate's scorecard: the website instead of social reach (nothing is fetched). */
function associateSections(i: Associate, s: AssociateScorecard): string[] {
  const passed = (d: Dimension) =>
    d.checks
      .filter((c) => c.ok)
      .map((c) => c.label.toLowerCase())
      .join(', ') || 'nothing yet';
  const r = s.relevancy;
  const out = [
    `Associate program: a website publisher, scored on what the file says about the site (nothing is fetched). No storefront page; tracked links only.`,
    '',
    '| Dimension | Score | Summary |',
    '| --- | --- | --- |',
    `| Website | ${s.website.score}/5 | ${inlineText(passed(s.website))} |`,
    `| Audience | ${s.audience.score}/5 | ${inlineText(passed(s.audience))} |`,
    `| Relevancy | ${r.score}/5 | ${r.share === null ? 'no categories' : `${percent(r.share)} of ${inlineText(i.categories.join(', '))} named by the niche or audience`} |`,
    `| Disclosure | ${s.disclosure.score}/5 | ${inlineText(passed(s.disclosure))} |`,
    '',
  ];
  const section = (title: string, d: Dimension) => {
    out.push(`#### ${title}`, '');
    for (const c of d.checks) out.push(`- ${c.ok ? '✅' : '⚠️'} ${c.label}: ${inlineText(c.detail)}`);
    out.push('');
  };
  section('Website', s.website);
  out.push(
    `- Site: ${code(i.website)}`,
    `- Niche: ${inlineText(i.niche)}`,
    `- Audience: ${inlineText(i.audience)}`,
    '',
  );
  section('Audience', s.audience);
  out.push('#### Relevancy', '');
  for (const c of r.categories)
    out.push(
      c.matched.length > 0
        ? `- ✅ ${code(c.id)} (${inlineText(c.name)}): named as ${c.matched.map(code).join(', ')}`
        : `- ⚠️ ${code(c.id)} (${inlineText(c.name)}): not named by the niche or audience`,
    );
  out.push('');
  section('Disclosure', s.disclosure);
  if (s.placeholders.length > 0)
    out.push(`- ⚠️ Placeholders still to fill in: ${s.placeholders.map(code).join(', ')}`, '');
  return out;
}

function renderSite(site: SiteChanges): string[] {
  const list = (items: string[]) => (items.length === 0 ? 'none' : items.map(code).join(', '));
  const out = ['## What changes on the live site if merged', ''];
  out.push(`- New pages: ${list(site.newPages)}`);
  out.push(
    `- Redirects: ${
      site.redirects.length === 0
        ? 'none'
        : site.redirects.map((r) => `${code(r.from)} → ${code(r.to)}`).join(', ') +
          ' (list pages and tracked links of the old handle follow)'
    }`,
  );
  out.push(
    `- Removed pages: ${list(site.removedPages)}${site.removedPages.length > 0 ? ' (links to them will 404)' : ''}`,
  );
  const nested = (label: string, lines: string[]) =>
    out.push(lines.length === 0 ? `- ${label}: none` : `- ${label}:`, ...lines.map((l) => `  - ${l}`));
  nested(
    'Live storefronts changed',
    site.storefronts.map((s) => `${code(s.handle)}: ${s.changes.map(editText).join('; ')}`),
  );
  nested(
    'Products leaving the catalog',
    site.leavingCatalog.map(
      (p) => `${code(p.id)} ${p.reason}; tracked links to it will 404${usedBy(p.storefronts)}`,
    ),
  );
  nested(
    'Products changed',
    site.changedProducts.map((p) => `${code(p.id)}: ${p.fields.join(', ')}${usedBy(p.storefronts)}`),
  );
  out.push('');
  return out;
}

function usedBy(handles: string[]): string {
  return handles.length === 0 ? '' : `; listed by ${handles.map(code).join(', ')}`;
}

const ids = (values: string[]) => values.map(code).join(', ');

export function editText(edit: StorefrontEdit): string {
  switch (edit.kind) {
    case 'renamed':
      return `renamed from ${code(edit.from)}`;
    case 'field':
      return `${edit.field} changed`;
    case 'tracking-id':
      return `tracking id ${code(edit.from)} → ${code(edit.to)} (new clicks credit the new id)`;
    case 'featured':
      return [
        edit.added.length > 0 ? `featured added ${ids(edit.added)}` : '',
        edit.removed.length > 0 ? `featured removed ${ids(edit.removed)}` : '',
      ]
        .filter(Boolean)
        .join(', ');
    case 'list-added':
      return `new list ${code(edit.slug)} (${plural(edit.items, 'item')})`;
    case 'list-removed':
      return `list ${code(edit.slug)} removed (${plural(edit.items, 'item')})`;
    case 'list-changed': {
      const parts = [
        edit.added.length > 0 ? `added ${ids(edit.added)}` : '',
        edit.removed.length > 0 ? `removed ${ids(edit.removed)}` : '',
        edit.reordered ? 'reordered' : '',
        edit.retitled ? 'title or description changed' : '',
        edit.notes > 0 ? `${plural(edit.notes, 'note')} changed` : '',
      ].filter(Boolean);
      return `list ${code(edit.slug)}: ${parts.join(', ')}`;
    }
  }
}
