import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/route/csv.js';
import { decodePythonStringList } from '../../../src/route/pylist.js';

const all = (t: string) => [...parseCsv(t)];

describe('parseCsv (RFC 4180)', () => {
  it('reads quoted fields holding commas, newlines and doubled quotes', () => {
    const recs = all('a,b,c\r\n1,"x, y","line1\nline2 ""quoted"""\n2,,last\n');
    expect(recs.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'line1\nline2 "quoted"'],
      ['2', '', 'last'],
    ]);
    expect(recs[2].line).toBe(4); // the quoted newline moved the line count on
    expect(recs.every((r) => !r.error)).toBe(true);
  });

  it('handles a BOM, a trailing comma, no final newline and blank lines', () => {
    expect(all('\ufeffh1,h2\n\nx,').map((r) => r.fields)).toEqual([['h1', 'h2'], ['x', '']]);
  });

  it('flags malformed records instead of merging them into neighbours', () => {
    const recs = all('a,b\nok,"bad"tail\nx"y,z\nfine,1\n"open,2\nnever closed');
    expect(recs[1].error).toMatch(/after a closing quote/);
    expect(recs[2].error).toMatch(/quote inside an unquoted field/);
    expect(recs[3]).toEqual({ line: 4, fields: ['fine', '1'] });
    expect(recs[4].error).toMatch(/ends inside a quoted field/);
  });
});

describe('decodePythonStringList', () => {
  it('decodes single- and double-quoted Python literals with escapes', () => {
    expect(decodePythonStringList(`['a\\nb \\'q\\' \\\\ \\x41\\u00e9']`)).toBe("a\nb 'q' \\ Aé");
    expect(decodePythonStringList(`["it's"]`)).toBe("it's");
    expect(decodePythonStringList(`['one', "two"]`)).toBe('one\n\ntwo');
  });
  it('returns undefined for text that is not a list of strings', () => {
    expect(decodePythonStringList('plain text')).toBeUndefined();
    expect(decodePythonStringList("['unterminated]")).toBeUndefined();
    expect(decodePythonStringList('[1, 2]')).toBeUndefined();
  });
});
