import { describe, expect, it } from 'vitest';
import { csv, csvCell } from '../../domain/csv.ts';

describe('the CSV writer', () => {
  it('quotes per RFC 4180 and ends every line with CRLF', () => {
    expect(
      csv(
        ['a', 'b'],
        [
          ['x, y', 'say "hi"'],
          ['line\nbreak', null],
        ],
      ),
    ).toBe('a,b\r\n"x, y","say ""hi"""\r\n"line\nbreak",\r\n');
  });

  it('turns text that starts a formula into text, leaves numbers and booleans as they are', () => {
    expect(csvCell('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('=A1,"x"')).toBe(`"'=A1,""x"""`);
    expect(csvCell(-700)).toBe('-700');
    expect(csvCell(false)).toBe('false');
    expect(csvCell('plain')).toBe('plain');
  });
});
