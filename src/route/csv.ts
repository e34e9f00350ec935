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

/** One field read from `i`: its value, where reading stopped, the line reached, and the first grammar error. */
interface Field {
  value: string;
  i: number;
  line: number;
  error?: string;
}

/** A field in double quotes, starting at the quote at `i`; `start` is its record's first line. */
function quotedField(text: string, i: number, line: number, start: number): Field {
  const n = text.length;
  let value = '';
  let closed = false;
  i++;
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
  if (!closed) return { value, i, line, error: `line ${start}: the file ends inside a quoted field` };
  if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
    const stop = nextDelimiter(text, i);
    return { value: value + text.slice(i, stop), i: stop, line, error: `line ${line}: text after a closing quote` };
  }
  return { value, i, line };
}

/** A field without quotes, up to the next comma or line end. */
function plainField(text: string, i: number, line: number): Field {
  const stop = nextDelimiter(text, i);
  const value = text.slice(i, stop);
  return value.includes('"') ? { value, i: stop, line, error: `line ${line}: a quote inside an unquoted field` } : { value, i: stop, line };
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
      const f = text[i] === '"' ? quotedField(text, i, line, start) : plainField(text, i, line);
      ({ i, line } = f);
      error ??= f.error;
      fields.push(f.value);
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
