/** `npm run import:amazon` names its target: --local, --remote or --url, exactly one. */
import { describe, expect, it, vi } from 'vitest';
import { parseImportArgs } from '../../../scripts/import-amazon.ts';

describe('import:amazon arguments', () => {
  it('refuses to run without a target, or with two', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(parseImportArgs(['report.csv'])).toBeNull();
    expect(parseImportArgs(['report.csv', '--local', '--remote'])).toBeNull();
    expect(error.mock.calls.flat().join('\n')).toContain(
      'name exactly one target: --local, --remote or --url <origin>',
    );
    error.mockRestore();
  });

  it('reads the target and the import fields', () => {
    expect(parseImportArgs(['r.csv', '--local', '--dry-run', '--by', 'ana'])).toMatchObject({
      file: 'r.csv',
      target: { remote: false, label: 'local worker' },
      fields: { file_name: 'r.csv', by: 'ana' },
      dryRun: true,
    });
    expect(
      parseImportArgs([
        'dir/r.csv',
        '--remote',
        '--marketplace',
        'amazon-uk',
        '--from',
        '2026-11-01',
        '--to',
        '2026-11-30',
        '--whole-account',
      ]),
    ).toMatchObject({
      target: { remote: true, label: 'REMOTE (production) worker' },
      fields: {
        file_name: 'r.csv',
        marketplace: 'amazon-uk',
        from: '2026-11-01',
        to: '2026-11-30',
        whole_account: true,
      },
      dryRun: false,
    });
    expect(parseImportArgs(['r.csv', '--url', 'http://127.0.0.1:9999'])).toMatchObject({
      target: { remote: false, url: 'http://127.0.0.1:9999', label: 'worker' },
    });
  });
});
