/**
 * A small RFC 4180 CSV parser: fields separated by commas, records by CRLF or
 * LF; a field in double quotes may hold commas, newlines and "" (an escaped
 * quote). It is strict where a silent guess would corrupt data: a quote inside
 * an unquoted field, text after a closing quote, or a file ending inside a
 * quoted field is reported as a malformed record (by line), never merged into
 * its neighbours.
 */

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  fields: string[];
  /** Set when the record broke the grammar; `fields` is then what was read. */
  error?: string;
}

/** Parses the whole text; the caller decides what to do with malformed records. */
export function* parseCsv(text: string): Generator<CsvRecord> {
  let i = 0;
  let line = 1;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // byte-order mark
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let error: string | undefined;
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        i++;
        let closed = false;
        while (i < n) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            value += text.slice(i);
            line += countNewlines(text, i, n);
            i = n;
            break;
          }
          value += text.slice(i, q);
          line += countNewlines(text, i, q);
          if (text[q + 1] === '"') {
            value += '"';
            i = q + 2;
          } else {
            i = q + 1;
            closed = true;
            break;
          }
        }
        if (!closed) error ??= `line ${start}: the file ends inside a quoted field`;
        else if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          error ??= `line ${line}: text after a closing quote`;
          const stop = nextDelimiter(text, i);
          value += text.slice(i, stop);
          i = stop;
        }
      } else {
        const stop = nextDelimiter(text, i);
        value = text.slice(i, stop);
        if (value.includes('"')) error ??= `line ${line}: a quote inside an unquoted field`;
        i = stop;
      }
      fields.push(value);
      if (i >= n) break;
      if (text[i] === ',') {
        i++;
        if (i >= n) {
          fields.push('');
          break;
        }
        continue;
      }
      // end of record: \n, \r\n or a lone \r
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    if (fields.length === 1 && fields[0] === '' && !error) continue; // blank line
    yield error ? { line: start, fields, error } : { line: start, fields };
  }
}

function nextDelimiter(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 44 || c === 10 || c === 13) return j;
  }
  return text.length;
}

function countNewlines(text: string, from: number, to: number): number {
  let k = 0;
  for (let j = text.indexOf('\n', from); j >= 0 && j < to; j = text.indexOf('\n', j + 1)) k++;
  return k;
}
