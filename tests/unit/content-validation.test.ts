/**
 * Pins the messages contributors see for broken content, as `file: field: message`.
 * Each case starts from the valid fixture program and breaks one thing.
 */
import { describe, expect, it } from 'vitest';
import { formatError, validateContent, type ContentSources } from '../../domain/content/validate.ts';
import { parseYaml, readContentSources } from '../../build/load-content.ts';

const FIXTURE = 'tests/fixtures/content';
const ANA = `${FIXTURE}/influencers/ana-cooks.yaml`;
const PAN = `${FIXTURE}/products/B000TEST01.yaml`;

function fresh(): ReturnType<typeof readContentSources> {
  return readContentSources(FIXTURE);
}

function dataOf(sources: ContentSources, path: string): Record<string, unknown> {
  const file = [...sources.influencers, ...sources.products].find((f) => f.path === path);
  if (!file || !('data' in file)) throw new Error(`no parsed ${path}`);
  return file.data as Record<string, unknown>;
}

function errorsAfter(change: (sources: ReturnType<typeof readContentSources>) => void): string[] {
  const sources = fresh();
  change(sources);
  return validateContent(sources).errors.map(formatError);
}

describe('validateContent', () => {
  it('accepts the fixture program and types it', () => {
    const { content, errors } = validateContent(fresh());
    expect(errors).toEqual([]);
    const pan = content?.products.find((p) => p.id === 'B000TEST01');
    expect(pan?.price_minor).toBe(2499);
    expect(pan?.price_checked_at).toBe('2026-11-20');
    expect(content?.influencers.find((i) => i.handle === 'ana-cooks')?.applied_on).toBe('2026-09-01');
  });

  it('keeps raw clicks 90 days unless told, and at least for the attribution window', () => {
    expect(validateContent(fresh()).content?.program.click_retention_days).toBe(90);
    const program = (s: ContentSources) => {
      if (!('data' in s.program)) throw new Error('no parsed program.yaml');
      return s.program.data as Record<string, unknown>;
    };
    expect(
      errorsAfter((s) => {
        program(s).attribution_window_hours = 24 * 30;
        program(s).click_retention_days = 29;
      }),
    ).toEqual([
      `${FIXTURE}/program.yaml: click_retention_days: must cover the attribution window (720 hours = 30 days)`,
    ]);
    expect(errorsAfter((s) => (program(s).click_retention_days = 0))).toEqual([
      `${FIXTURE}/program.yaml: click_retention_days: must be at least 1 day`,
    ]);
  });

  it('names a missing field', () => {
    expect(errorsAfter((s) => delete dataOf(s, ANA).name)).toEqual([`${ANA}: name: is required`]);
  });

  it('names a wrong type', () => {
    expect(errorsAfter((s) => (dataOf(s, PAN).prime = 'yes'))).toEqual([
      `${PAN}: prime: must be a boolean, got string "yes"`,
    ]);
  });

  it('names an unknown key, nested too', () => {
    expect(
      errorsAfter((s) => {
        dataOf(s, ANA).website = 'https://ana.example';
        (dataOf(s, ANA).socials as Record<string, unknown>[])[0]!.handle = 'ana';
      }),
    ).toEqual([
      `${ANA}: socials[0].handle: unknown key`,
      `${ANA}: website: unknown key (only associates have it: add "program: associate")`,
    ]);
  });

  it('refuses a bad handle and a reserved one', () => {
    expect(errorsAfter((s) => (dataOf(s, ANA).handle = 'Ana_Cooks'))).toEqual([
      `${ANA}: handle: must be lowercase letters, digits and inner hyphens (e.g. "jane-cooks")`,
    ]);
    const sources = fresh();
    sources.influencers[0] = {
      path: `${FIXTURE}/influencers/admin.yaml`,
      data: { ...dataOf(sources, ANA), handle: 'admin' },
    };
    expect(validateContent(sources).errors.map(formatError)).toEqual([
      `${FIXTURE}/influencers/admin.yaml: handle: "admin" is reserved`,
    ]);
  });

  it('requires the handle to equal the file name', () => {
    expect(errorsAfter((s) => (dataOf(s, ANA).handle = 'ana-bakes'))).toEqual([
      `${ANA}: handle: must equal the file name "ana-cooks"`,
    ]);
  });

  it('refuses a duplicate tracking id', () => {
    expect(
      errorsAfter((s) => (dataOf(s, `${FIXTURE}/influencers/ben-applies.yaml`).tracking_id = 'AnaCooks-20')),
    ).toEqual([
      `${FIXTURE}/influencers/ben-applies.yaml: tracking_id: "AnaCooks-20" is already used by ${ANA}`,
    ]);
  });

  it('refuses a dangling product, in lists and featured', () => {
    expect(
      errorsAfter((s) => {
        dataOf(s, ANA).featured = ['B0MISSING1'];
        (
          (dataOf(s, ANA).lists as Record<string, unknown>[])[0]!.items as Record<string, unknown>[]
        )[1]!.product = 'B0MISSING2';
      }),
    ).toEqual([
      `${ANA}: featured[0]: unknown product "B0MISSING1"`,
      `${ANA}: lists[0].items[1].product: unknown product "B0MISSING2"`,
    ]);
  });

  it('refuses the list slug "search": the storefront\'s search page has that URL', () => {
    expect(
      errorsAfter((s) => {
        (dataOf(s, ANA).lists as Record<string, unknown>[])[0]!.slug = 'search';
      }),
    ).toEqual([`${ANA}: lists[0].slug: "search" is reserved (the storefront's /shop/<handle>/search/ page)`]);
  });

  it('refuses a product URL on a host its retailer does not allow', () => {
    expect(errorsAfter((s) => (dataOf(s, PAN).url = 'https://evil.example/dp/B000TEST01'))).toEqual([
      `${PAN}: url: host "evil.example" is not allowed for retailer "amazon-us" (allowed: www.amazon.com, amazon.com)`,
    ]);
    expect(errorsAfter((s) => (dataOf(s, PAN).url = 'http://www.amazon.com/dp/B000TEST01'))).toEqual([
      `${PAN}: url: must be an https:// URL`,
    ]);
  });

  it('refuses an image that is a worker route, a missing file or on a host the retailer does not list', () => {
    const product = (image: string) => errorsAfter((s) => (dataOf(s, PAN).image = image));
    expect(product('/go/ana-cooks/B000TEST01')).toEqual([
      `${PAN}: image: "/go/ana-cooks/B000TEST01" is a route the worker serves (/go/), not an image: every page view would request it`,
    ]);
    for (const route of [
      '/api/stats/ana-cooks',
      '/webhooks/orders',
      '/dashboard',
      '/dashboard/admin/',
      '/healthz',
      '/GO/x/y',
    ])
      expect(product(route)[0], route).toMatch(/is a route the worker serves/);
    expect(product('/images/avatars/nobody.png')).toEqual([
      `${PAN}: image: no file site/public/images/avatars/nobody.png`,
    ]);
    expect(product('/favicon.svg')).toEqual([
      `${PAN}: image: must be a path under /images/ (site/public/images/) or an https URL`,
    ]);
    expect(product('/images/../go/ana-cooks/B000TEST01')).toEqual([
      `${PAN}: image: must not contain empty, "." or ".." path segments`,
    ]);
    expect(product('https://tracker.example/pixel.png')).toEqual([
      `${PAN}: image: host "tracker.example" is not an image host of retailer "amazon-us" (listed: images.example.com); every shopper's browser would contact it. Host the image under /images/ or ask an admin to list the host under image_hosts in content/retailers.yaml`,
    ]);
    expect(product('https://images.example.com/ok.jpg')).toEqual([]);
    expect(product('/images/avatars/mila-cooks.png')).toEqual([]);
    expect(errorsAfter((s) => (dataOf(s, ANA).avatar = '/go/ana-cooks'))).toEqual([
      `${ANA}: avatar: "/go/ana-cooks" is a route the worker serves (/go/), not an image: every page view would request it`,
    ]);
    expect(errorsAfter((s) => (dataOf(s, ANA).avatar = 'https://evil.example/me.png'))[0]).toMatch(
      /avatar: host "evil.example" is not an image host of any retailer/,
    );
  });

  it('refuses a product URL that could not reach the shopper byte for byte', () => {
    expect(
      errorsAfter((s) => (dataOf(s, PAN).url = 'https://www.amazon.com/dp/B000TEST01?k=cast iron')),
    ).toEqual([`${PAN}: url: must be written percent-encoded: no spaces, control or non-ASCII characters`]);
    expect(
      errorsAfter((s) => (dataOf(s, PAN).url = 'https://www.amazon.com/dp/B000TEST01?k=cast%20iron')),
    ).toEqual([]);
  });

  it('refuses unknown categories and a price with too many decimals', () => {
    expect(
      errorsAfter((s) => {
        dataOf(s, PAN).category = 'spaceships';
        dataOf(s, PAN).price = 24.999;
      }),
    ).toEqual([`${PAN}: price: USD allows at most 2 decimal places, got 24.999`]);
    expect(errorsAfter((s) => (dataOf(s, PAN).category = 'spaceships'))).toEqual([
      `${PAN}: category: unknown category "spaceships" (see content/program.yaml)`,
    ]);
  });

  it('reports bad YAML syntax with its line, and every other error in the same run', () => {
    const sources = fresh();
    sources.products[0] = parseYaml(PAN, 'id: B000TEST01\ntitle: Pan\n brand: Lodge\n');
    sources.influencers[1] = {
      path: `${FIXTURE}/influencers/ben-applies.yaml`,
      data: { handle: 'ben-applies' },
    };
    const errors = validateContent(sources).errors.map(formatError);
    expect(errors.find((e) => e.startsWith(PAN))).toMatch(
      new RegExp(`^${PAN}: line 2, column 8: YAML syntax error: \\w`),
    );
    expect(errors).toContain(`${FIXTURE}/influencers/ben-applies.yaml: name: is required`);
    expect(errors.filter((e) => e.includes('ben-applies')).length).toBeGreaterThan(4);
    // The broken product is reported once, in its own file, not again where storefronts use it.
    expect(errors.filter((e) => e.includes('B000TEST01'))).toHaveLength(1);
  });

  it('tells contributors to quote numeric ids', () => {
    expect(errorsAfter((s) => (dataOf(s, ANA).featured = [694003611]))).toEqual([
      `${ANA}: featured[0]: must be a string, got number 694003611: put it in quotes (YAML reads 0694003611 as a number and drops the leading zero)`,
    ]);
  });

  it('requires a real disclosure for every retailer', () => {
    const sources = fresh();
    sources.retailers = parseYaml(
      `${FIXTURE}/retailers.yaml`,
      'retailers:\n  - { id: amazon-us, name: Amazon, hosts: [www.amazon.com], tag_param: tag, subtag_param: ascsubtag, currency: USD, disclosure: "" }\n',
    );
    expect(validateContent(sources).errors.map(formatError)).toContain(
      `${FIXTURE}/retailers.yaml: retailers[0].disclosure: must be a real disclosure sentence (at least 20 characters)`,
    );
  });
});

const DEE = `${FIXTURE}/influencers/dee-reviews.yaml`;

describe('associates', () => {
  it('reads a member without `program` as an influencer and one with `program: associate` as an associate', () => {
    const { content } = validateContent(fresh());
    const ana = content?.influencers.find((i) => i.handle === 'ana-cooks');
    const dee = content?.influencers.find((i) => i.handle === 'dee-reviews');
    expect(ana?.program).toBe('influencer');
    expect(dee).toMatchObject({
      program: 'associate',
      website: 'https://deereviews.example/',
      disclosure_url: 'https://deereviews.example/affiliate-disclosure',
      previous_handles: [],
    });
    expect(dee && 'lists' in dee).toBe(false);
  });

  it('requires a website, an audience, a niche and a disclosure page, each by name', () => {
    expect(
      errorsAfter((s) => {
        const dee = dataOf(s, DEE);
        delete dee.website;
        delete dee.audience;
        delete dee.niche;
        delete dee.disclosure_url;
      }),
    ).toEqual([
      `${DEE}: website: is required`,
      `${DEE}: audience: is required`,
      `${DEE}: niche: is required`,
      `${DEE}: disclosure_url: is required`,
    ]);
  });

  it.each([
    [
      'wants https for the website and the disclosure page',
      { website: 'http://deereviews.example/', disclosure_url: 'deereviews.example/disclosure' },
      [`${DEE}: website: must be an https:// URL`, `${DEE}: disclosure_url: must be an https:// URL`],
    ],
    [
      'refuses storefront fields on an associate, saying why',
      { socials: [], lists: [] },
      [
        `${DEE}: socials: unknown key (associates have a website instead of socials, featured and lists)`,
        `${DEE}: lists: unknown key (associates have a website instead of socials, featured and lists)`,
      ],
    ],
    [
      'shares the handle and tracking id rules with influencers',
      { tracking_id: 'anacooks-20', handle: 'dee-writes' },
      [
        `${DEE}: handle: must equal the file name "dee-reviews"`,
        `${DEE}: tracking_id: "anacooks-20" is already used by ${ANA}`,
      ],
    ],
  ])('%s', (_name, fields, expected) => {
    expect(errorsAfter((s) => Object.assign(dataOf(s, DEE), fields))).toEqual(expected);
  });

  it('refuses an unknown program', () => {
    expect(errorsAfter((s) => (dataOf(s, DEE).program = 'partner'))).toEqual([
      `${DEE}: program: must be influencer or associate`,
    ]);
  });
});

describe('rate tables per program', () => {
  const RATES = `${FIXTURE}/commission-rates.yaml`;
  const withTables = (tables: string) =>
    errorsAfter((s) => {
      s.rates = parseYaml(RATES, `retailers:\n  amazon-us:\n${tables}`);
    });

  it('allows a shared table and a program table on the same day, not two of one kind', () => {
    expect(
      withTables(
        '    - { effective_from: 2026-01-01, default_bps: 400 }\n' +
          '    - { effective_from: 2026-01-01, program: associate, default_bps: 300 }\n' +
          '    - { effective_from: 2026-01-01, program: influencer, default_bps: 500 }\n',
      ),
    ).toEqual([]);
    expect(
      withTables(
        '    - { effective_from: 2026-01-01, program: associate, default_bps: 400 }\n' +
          '    - { effective_from: 2026-01-01, program: associate, default_bps: 300 }\n',
      ),
    ).toEqual([`${RATES}: retailers.amazon-us[1].effective_from: two associate tables start on 2026-01-01`]);
  });

  it('names a bad program', () => {
    expect(withTables('    - { effective_from: 2026-01-01, program: partners, default_bps: 400 }\n')).toEqual(
      [`${RATES}: retailers.amazon-us[0].program: must be influencer or associate`],
    );
  });
});

describe('renames', () => {
  it('refuses a previous handle that another storefront uses or already claimed', () => {
    expect(
      errorsAfter((s) => {
        dataOf(s, ANA).previous_handles = ['ben-applies', 'ana-old'];
        dataOf(s, `${FIXTURE}/influencers/cy-paused.yaml`).previous_handles = ['ana-old'];
      }),
    ).toEqual([
      `${ANA}: previous_handles[0]: "ben-applies" is the current handle of another storefront`,
      // ana-cooks's member id is its first handle, "ben-applies": taken by the member of that name.
      `${FIXTURE}/influencers/ben-applies.yaml: id: "ben-applies" is already the member id of ${ANA}`,
      `${FIXTURE}/influencers/cy-paused.yaml: previous_handles[0]: "ana-old" is already a previous handle of ${ANA}`,
    ]);
  });
});
