/**
 * Training excerpts shaped like the tasks the detector reads: windows of
 * 40 lines (at most 1600 characters, at least 120) of each source file, at
 * most three a file, plus one 8-line snippet a file, bare code. Each excerpt keeps its file's path, so the
 * held-out split (split.mjs) can keep whole files on one side.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const WINDOW_LINES = 40;
export const WINDOW_CHARS = 1600;
export const MIN_CHARS = 120;
export const WINDOWS_PER_FILE = 3;
/** Besides, one short window a file (SHORT_LINES lines at a seeded place): a snippet pasted into a question. */
export const SHORT_LINES = 8;

function walk(dir) {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st || st.isSymbolicLink?.()) return [];
    return st.isDirectory() ? walk(p) : st.isFile() && st.size < 2_000_000 ? [p] : [];
  });
}

/** A stable number in [0, 1) for `s`. */
const unit = (s) => parseInt(createHash('sha256').update(`llmos-codelang-v1\0${s}`).digest('hex').slice(0, 8), 16) / 2 ** 32;

/** One window of SHORT_LINES lines at a seeded place of `raw`'s first WINDOWS_PER_FILE windows, or none. */
function shortWindow(raw, key) {
  const lines = raw.split('\n').slice(0, WINDOW_LINES * WINDOWS_PER_FILE);
  const at = Math.floor(unit(key) * Math.max(1, lines.length - SHORT_LINES));
  const text = lines.slice(at, at + SHORT_LINES).join('\n').trim();
  return text.length >= MIN_CHARS / 2 ? [text] : [];
}

/** The windows of one file's text (at most `per` of them); none for binary, minified or generated-looking text. */
export function windows(raw, per = WINDOWS_PER_FILE) {
  if (raw.includes('\u0000') || raw.includes('\uFFFD')) return [];
  const lines = raw.split('\n');
  if (lines.some((l) => l.length > 1000)) return [];
  const out = [];
  for (let w = 0; w < per && w * WINDOW_LINES < lines.length; w++) {
    const text = lines.slice(w * WINDOW_LINES, (w + 1) * WINDOW_LINES).join('\n').slice(0, WINDOW_CHARS).trim();
    if (text.length >= MIN_CHARS) out.push(text);
  }
  return out;
}

/**
 * The "prose" class: the documentation that ships beside the code (README,
 * changelogs, .md/.rst/.txt), fenced and indented code removed, so the
 * model can tell a request or an explanation from code and abstain.
 */
export const PROSE = 'prose';
const PROSE_FILE = /\/(?:README|CHANGELOG|CHANGES|HISTORY|NEWS|CONTRIBUTING)[^/]*$|\/(?!CMakeLists|requirements)[^/]*\.(?:md|rst|txt)$/i;
const proseOf = (raw) => raw.replace(/```[\s\S]*?```/g, '').split('\n').filter((l) => !/^(?: {4}|\t)/.test(l) && !/^\.\. |^::/.test(l)).join('\n');

/** Excerpts {text, label, file, source} of every fetched source ({source, dir} from fetch.mjs). */
export function excerpts(fetched) {
  const out = [];
  for (const { source, dir } of fetched)
    for (const p of walk(dir)) {
      const rel = `/${relative(dir, p)}`;
      let label = Object.entries(source.langs).find(([, re]) => re.test(rel))?.[0];
      if (!label && (source.prose === undefined ? PROSE_FILE : source.prose || undefined)?.test(rel)) label = PROSE;
      if (!label || /\.min\.(?:js|css)$/.test(rel)) continue;
      const raw = label === PROSE ? proseOf(readFileSync(p, 'utf8')) : readFileSync(p, 'utf8');
      const long = windows(raw, label === PROSE ? WINDOWS_PER_FILE : source.windows);
      const id = `${source.name}@${source.version}`;
      const file = `${id}${rel}`;
      for (const text of long) out.push({ text, label, file, source: id, short: false });
      if (long.length) for (const text of shortWindow(raw, file)) out.push({ text, label, file, source: id, short: true });
    }
  return out;
}
