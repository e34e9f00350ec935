/**
 * Downloads and unpacks the training sources (sources.mjs) into
 * .cache/codelang (git-ignored), each with its registry's own client:
 * npm pack, pip download, mvn dependency:copy, go mod download, cargo fetch,
 * apt-get download; Debian source tarballs come from the archive's pool as
 * their .dsc names them. Every archive's sha256 is checked against
 * corpus.lock.json (written on the first fetch of a source), so a rebuild
 * reads the same bytes or stops naming the source that changed.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SOURCES } from './sources.mjs';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const CACHE = join(ROOT, '.cache', 'codelang');
const LOCK = join(import.meta.dirname, 'corpus.lock.json');
const POOL = 'https://deb.debian.org/debian/pool/main';

function run(cmd, args, opts = {}) {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26, ...opts }).toString();
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${`${e.stdout ?? ''}${e.stderr ?? ''}`.slice(-600)}`);
  }
}
export const slug = (s) => `${s.kind}-${s.name.replace(/[^\w.-]+/g, '_')}-${s.version.replace(/[^\w.+-]+/g, '_')}`;
const only = (dir) => join(dir, readdirSync(dir)[0]);

/** The archive of one source in `dir`, fetched by its registry's client. */
function download(s, dir) {
  if (s.kind === 'npm') run('npm', ['pack', `${s.name}@${s.version}`, '--pack-destination', dir, '--silent']);
  else if (s.kind === 'pypi') run('pip', ['download', '--no-deps', '--no-binary', ':all:', '-q', '-d', dir, `${s.name}==${s.version}`]);
  else if (s.kind === 'maven') run('mvn', ['-q', 'dependency:copy', `-Dartifact=${s.name}:${s.version}:jar:sources`, `-DoutputDirectory=${dir}`], { cwd: dir });
  else if (s.kind === 'go') copyFileSync(JSON.parse(run('go', ['mod', 'download', '-json', `${s.name}@${s.version}`], { cwd: dir })).Zip, join(dir, 'module.zip'));
  else if (s.kind === 'crate') fetchCrate(s, dir);
  else if (s.kind === 'deb') run('apt-get', ['download', `${s.name}=${s.version}`], { cwd: dir });
  else if (s.kind === 'debsrc') fetchDebianSource(s, dir);
  return only(dir);
}

function fetchCrate(s, dir) {
  const proj = join(dir, '..', `${slug(s)}-proj`);
  mkdirSync(join(proj, 'src'), { recursive: true });
  writeFileSync(join(proj, 'Cargo.toml'), `[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n${s.name} = "=${s.version}"\n`);
  writeFileSync(join(proj, 'src', 'lib.rs'), '');
  run('cargo', ['fetch', '--quiet'], { cwd: proj });
  // The unpacked crate is registry/src/<index>/<name>-<version>; its archive is registry/cache/<index>/<name>-<version>.crate.
  const meta = JSON.parse(run('cargo', ['metadata', '--format-version', '1', '--offline'], { cwd: proj }));
  const manifest = meta.packages.find((p) => p.name === s.name && p.version === s.version)?.manifest_path;
  const crate = manifest && join(dirname(manifest), '..', '..', '..', 'cache', basename(dirname(dirname(manifest))), `${s.name}-${s.version}.crate`);
  if (!crate || !existsSync(crate)) throw new Error(`cargo fetch did not leave ${s.name}-${s.version}.crate`);
  copyFileSync(crate, join(dir, `${s.name}-${s.version}.crate`));
}

function fetchDebianSource(s, dir) {
  const base = `${POOL}/${s.name.startsWith('lib') ? s.name.slice(0, 4) : s.name[0]}/${s.name}`;
  const dsc = run('curl', ['-fsSL', `${base}/${s.name}_${s.version.replace(/^\d+:/, '')}.dsc`]);
  const orig = dsc.match(/^ [0-9a-f]{64} \d+ (\S+\.orig\.tar\.\w+)$/m)?.[1];
  if (!orig) throw new Error(`${s.name} ${s.version}: no .orig tarball in its .dsc`);
  run('curl', ['-fsSL', '-o', join(dir, orig), `${base}/${orig}`]);
}

function unpack(archive, out) {
  mkdirSync(out, { recursive: true });
  if (/\.(?:zip|jar)$/.test(archive)) run('unzip', ['-q', '-o', archive, '-d', out]);
  else if (archive.endsWith('.deb')) run('dpkg-deb', ['-x', archive, out]);
  else run('tar', ['xf', archive, '-C', out]);
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Fetches, checks and unpacks every source; returns [{source, dir}]. */
export function fetchAll() {
  const lock = existsSync(LOCK) ? JSON.parse(readFileSync(LOCK, 'utf8')) : {};
  const out = [];
  for (const s of SOURCES) {
    const id = slug(s);
    const adir = join(CACHE, 'archives', id);
    const archive = existsSync(adir) && readdirSync(adir).length ? only(adir) : (mkdirSync(adir, { recursive: true }), download(s, adir));
    const hash = sha256(archive);
    if (lock[id] && lock[id] !== hash) throw new Error(`${id}: archive sha256 ${hash} differs from corpus.lock.json's ${lock[id]}; the registry served other bytes`);
    lock[id] = hash;
    const dir = join(CACHE, 'src', id);
    if (!existsSync(dir)) unpack(archive, dir);
    out.push({ source: s, dir });
    process.stderr.write(`fetched ${id}\n`);
  }
  writeFileSync(LOCK, JSON.stringify(Object.fromEntries(Object.entries(lock).sort()), null, 1) + '\n');
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) fetchAll();
