/**
 * bench/results.md keeps the figures of benches not re-run (bench/run.ts): its rows are read
 * back bench by bench, each naming the run its figures come from.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rowsByBench } from '../../bench/lib/report.ts';

const TABLE = `# shopfront benchmarks

2026-12-07T11:30:00.000Z: last \`npm run bench\`. Machine: test.

| Benchmark | Measure | Value | Target | Met | Notes |
| --- | --- | --- | --- | --- | --- |
| Tracked-link redirects (run 2026-12-07T11:30Z, quick) | wrangler dev: bare | 675 req/s |  |  | a \\| b |
|  | wrangler dev: shopfront | 405 req/s |  |  |  |
| Build (run 2026-12-03T06:02Z) | 1,000 storefronts: astro build (Cloudflare) | 7 s |  |  |  |
| Import (run 2026-12-06T09:00Z) | 100,000 rows | 8.8 s |  |  |  |
`;

describe('rowsByBench', () => {
  it('groups rows under the bench that starts them, keyed by title without the run note', () => {
    const rows = rowsByBench(TABLE);
    expect([...rows.keys()]).toEqual(['Tracked-link redirects', 'Build', 'Import']);
    expect(rows.get('Tracked-link redirects')).toEqual([
      '| Tracked-link redirects (run 2026-12-07T11:30Z, quick) | wrangler dev: bare | 675 req/s |  |  | a \\| b |',
      '|  | wrangler dev: shopfront | 405 req/s |  |  |  |',
    ]);
    expect(rows.get('Build')).toHaveLength(1);
  });

  it('reads the tracked bench/results.md: every bench with at least one row', () => {
    const rows = rowsByBench(readFileSync('bench/results.md', 'utf8'));
    expect(rows.size).toBeGreaterThanOrEqual(7);
    for (const [title, lines] of rows) {
      expect(lines.length, title).toBeGreaterThan(0);
      expect(lines[0], title).toMatch(/\(run \d{4}-\d\d-\d\dT\d\d:\d\dZ/);
    }
  });
});
