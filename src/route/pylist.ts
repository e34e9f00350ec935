/**
 * Decodes RouterBench's prompt cell: a Python list literal of string literals,
 * e.g. ['line one\nline two'] or ["it's"]. Returns the strings joined by a
 * blank line, or undefined when the cell is not such a literal.
 */
export function decodePythonStringList(cell: string): string | undefined {
  const s = cell.trim();
  if (!s.startsWith('[') || !s.endsWith(']')) return undefined;
  const out: string[] = [];
  let i = 1;
  const end = s.length - 1;
  for (;;) {
    while (i < end && /\s/.test(s[i])) i++;
    if (i >= end) break;
    const lit = readStringLiteral(s, i, end);
    if (!lit) return undefined;
    out.push(lit.value);
    i = lit.next;
    while (i < end && /\s/.test(s[i])) i++;
    if (i < end) {
      if (s[i] !== ',') return undefined;
      i++;
    }
  }
  return out.length ? out.join('\n\n') : undefined;
}

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '' };

function readStringLiteral(s: string, i: number, end: number): { value: string; next: number } | undefined {
  const q = s[i];
  if (q !== "'" && q !== '"') return undefined;
  let value = '';
  for (let j = i + 1; j < end; j++) {
    const c = s[j];
    if (c === q) return { value, next: j + 1 };
    if (c !== '\\') {
      value += c;
      continue;
    }
    const e = s[++j];
    if (e === undefined) return undefined;
    if (e in SIMPLE) value += SIMPLE[e];
    else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = s.slice(j + 1, j + 1 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) return undefined;
      value += String.fromCodePoint(parseInt(hex, 16));
      j += len;
    } else value += `\\${e}`; // Python keeps unknown escapes verbatim
  }
  return undefined;
}
