/**
 * The file `npm run apply` writes: a storefront application that already passes
 * validation, so `npm run check:content` is green from the start, with TODO
 * placeholders (the vetting report lists any left) and the schema's field notes
 * as comments (tests/vet/scaffold.test.ts keeps them in step with schema.ts).
 */

export interface ScaffoldOptions {
  handle: string;
  /** YYYY-MM-DD. */
  today: string;
  categories: readonly { id: string; name: string }[];
  platforms: readonly string[];
  /** A product id from the catalog for the commented example list. */
  exampleProduct?: string;
  /** The applicant's GitHub login (npm run apply -- --github <login>); a TODO without it. */
  github?: string;
}

export function scaffoldInfluencer(o: ScaffoldOptions): string {
  return `# Storefront application for "${o.handle}". Replace every TODO, then run
#   npm run check:content && npm run vet
# and open a pull request (see CONTRIBUTING.md). Lines starting with # are notes.

# influencer (the default: a storefront page) or associate (a website publisher, no page).
program: influencer
# Your handle: the file name, your /go/<handle>/ links and (influencers) the /shop/<handle>/ URL.
handle: ${o.handle}
${identityFields(o)}
# Display name.
name: TODO Your Name
${ownerFields(o)}
# A short bio, at most 280 characters.
bio: >-
  TODO Who you are, what you recommend and why your audience trusts your picks.
# Avatar image: https URL or a path under the site's public folder.
# TODO: replace the placeholder at site/public${avatarPath(o.handle)} with your photo: a PNG, JPEG,
# WebP or AVIF (checked by its content; SVG is refused), at most 2 MB and 4096 pixels a side,
# named for its type (e.g. ${o.handle}.jpg, then change this line to match).
avatar: ${avatarPath(o.handle)}
${applicationFields(o)}
# Your social profiles.
socials:
  # Where the audience is.
  # One of: ${o.platforms.join(', ')}.
  - platform: instagram
    # Link to the profile (https).
    url: https://www.instagram.com/TODO
    # Followers or subscribers today.
    followers: 0
    # Average interactions per post divided by followers, 0..1 (e.g. 0.035).
    # TODO: uncomment and fill in (reviewers look at it).
    # engagement_rate: 0.035
    # Posts published in the last 90 days.
    # posts_last_90_days: 30
${categoryFields(o)}
# Product ids shown at the top of your storefront.
featured: []
# Your product lists.
# Each item names a product file under content/products/ (add new products there).
# Example:
#   lists:
#     # URL part of the list page: /shop/<handle>/<slug>/.
#     - slug: everyday-favourites
#       # Heading of the list.
#       title: Everyday favourites
#       # One or two sentences under the heading.
#       description: The things I reach for every day.
#       # The products in this list, in display order.
#       items:
#         # Product id, the file name under content/products/ without ".yaml".
#         # Quote it: an id of digits only (an ISBN) would otherwise read as a number.
#         - product: ${JSON.stringify(o.exampleProduct ?? 'B00006JSUA')}
#           # Why you recommend it, shown on the card (keep it honest and short).
#           note: Used it daily for six years.
#           # Day the item was added, YYYY-MM-DD ("Latest" on the storefront); vet requires it on new items.
#           added_on: ${o.today}
lists: []
`;
}

/**
 * The file `npm run apply -- <handle> --program associate` writes: a website
 * publisher's application, valid as written, with TODOs for the reviewer-facing
 * facts (website, audience, niche, disclosure page).
 */
export function scaffoldAssociate(o: Omit<ScaffoldOptions, 'platforms' | 'exampleProduct'>): string {
  return `# Associate application for "${o.handle}" (a website publisher: tracked links, no storefront page).
# Replace every TODO, then run
#   npm run check:content && npm run vet
# and open a pull request (see CONTRIBUTING.md). Lines starting with # are notes.

# associate: a website publisher; no storefront page, tracked links only.
program: associate
# Your handle: the file name, your /go/<handle>/ links and (influencers) the /shop/<handle>/ URL.
handle: ${o.handle}
${identityFields(o)}
# Display name.
name: TODO Your Site's Name
${ownerFields(o)}
# A short bio, at most 280 characters.
bio: >-
  TODO What your site publishes and why readers trust its recommendations.
# Avatar image: https URL or a path under the site's public folder.
# Add your logo as site/public${avatarPath(o.handle)} in your pull request, or use an https URL.
avatar: ${avatarPath(o.handle)}
${applicationFields(o)}
# Your website (https), where your tracked links appear.
website: https://TODO.example/
# Who reads your site, in a sentence or two.
audience: TODO Who your readers are and what they come to your site for.
# What your site is about, in a few words (reviewers compare it with your categories).
niche: TODO kitchen gear reviews
# The page of your site that discloses its affiliate links (https).
disclosure_url: https://TODO.example/affiliate-disclosure
# Visitors a month, as you state it (not verified).
# TODO: uncomment and fill in (reviewers look at it).
# monthly_visitors: 25000
${categoryFields(o)}
`;
}

/** Status, day and tracking id: the same for both programs. */
function applicationFields(o: Pick<ScaffoldOptions, 'handle' | 'today'>): string {
  return `# applied | approved | suspended | rejected; applicants always write "applied".
# Only an admin changes it; the vetting check fails a pull request that does.
status: applied
# Day you applied, YYYY-MM-DD.
applied_on: ${o.today}
# Your affiliate tracking id at the home marketplace (e.g. an Amazon Associates tag "jane-20").
tracking_id: TODO-${o.handle}
# Your tracking ids at other marketplaces of the group: { amazon-uk: jane-21 }. Admins only.
# tracking_ids: { amazon-uk: TODO-${o.handle}-21 }
# Dated changes of status and tracking ids, oldest first; only admins add entries.
# (An admin approving you adds "- { on: <day>, status: approved }"; keep the tracking id below in step.)
history:
  - { on: ${o.today}, status: applied }
  - { on: ${o.today}, tracking_id: TODO-${o.handle} }
# true: an admin holds this approved member's commission for review (CONTRACT.md section 16).
# review: true`;
}

/** The stable id (docs/decisions.md): the handle the file is created with, never changed. */
function identityFields(o: Pick<ScaffoldOptions, 'handle'>): string {
  return `# The member's stable id, never changed: the handle this file was created with.
id: ${o.handle}`;
}

/** Every member names its owner (CONTRACT.md section 13). */
function ownerFields(o: Pick<ScaffoldOptions, 'github'>): string {
  return `# GitHub login of the member who owns this file; only they (or an admin) may change it.
${o.github ? `github: ${o.github}` : '# TODO: your own login (the one that opens the pull request).\ngithub: TODO-your-login'}
# "self": a member without a GitHub login owns the file through signed request branches (applied on the web).
# (Applying on the site at /apply/ writes owner: self instead of github.)`;
}

/** Categories and previous handles: the same for both programs. */
function categoryFields(o: Pick<ScaffoldOptions, 'categories'>): string {
  return `# Category ids you cover (see content/program.yaml).
# TODO: pick yours from:
${wrap(
  o.categories.map((c) => `${c.id} (${c.name})`),
  '#   ',
)}
categories: [${o.categories[0]?.id ?? 'TODO'}]
# Handles this storefront used before a rename; their old links keep working by redirect.
# Leave empty when applying.
previous_handles: []`;
}

export function avatarPath(handle: string): string {
  return `/images/avatars/${handle}.png`;
}

function wrap(items: readonly string[], prefix: string): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (next.length > 100 && line) {
      lines.push(`${prefix}${line},`);
      line = item;
    } else line = next;
  }
  if (line) lines.push(`${prefix}${line}`);
  return lines.join('\n');
}
