import { percentile } from './stats.js';

export interface PlotSeries {
  name: string;
  /** Waits in seconds, any order. */
  waits: Float64Array;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** "Nice" tick step (1, 2 or 5 × 10^k) giving about `count` ticks up to `max`. */
function tickStep(max: number, count = 6): number {
  const raw = max / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
}

/**
 * An SVG of the wait-time distributions (empirical CDFs, P(wait ≤ x)) of the
 * compared policies, x up to the largest p99 so the tails are visible.
 */
export function waitCdfSvg(series: PlotSeries[], title: string): string {
  const W = 720;
  const H = 440;
  const m = { l: 60, r: 20, t: 40, b: 50 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const sorted = series.map((s) => ({ name: s.name, xs: Float64Array.from(s.waits).sort() }));
  const xmax = Math.max(1e-9, ...sorted.map((s) => percentile(s.xs, 0.99))) * 1.1;
  const X = (v: number) => m.l + (Math.min(v, xmax) / xmax) * pw;
  const Y = (p: number) => m.t + (1 - p) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`);
  const step = tickStep(xmax);
  for (let v = 0; v <= xmax + 1e-12; v += step) {
    out.push(`<line x1="${X(v)}" y1="${m.t}" x2="${X(v)}" y2="${m.t + ph}" stroke="#eee"/>`);
    out.push(`<text x="${X(v)}" y="${m.t + ph + 16}" text-anchor="middle">${+v.toPrecision(3)}</text>`);
  }
  for (const p of [0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1]) {
    out.push(`<line x1="${m.l}" y1="${Y(p)}" x2="${m.l + pw}" y2="${Y(p)}" stroke="#eee"/>`);
    out.push(`<text x="${m.l - 6}" y="${Y(p) + 4}" text-anchor="end">${p}</text>`);
  }
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  out.push(`<text x="${m.l + pw / 2}" y="${H - 12}" text-anchor="middle">wait (s)</text>`);
  out.push(`<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">P(wait ≤ x)</text>`);
  sorted.forEach((s, i) => {
    const n = s.xs.length;
    const pts: string[] = [];
    for (let k = 0; k <= 400; k++) {
      const v = (k / 400) * xmax;
      // Fraction of waits ≤ v, by binary search.
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (s.xs[mid] <= v) lo = mid + 1;
        else hi = mid;
      }
      pts.push(`${X(v).toFixed(1)},${Y(n ? lo / n : 0).toFixed(1)}`);
    }
    const color = COLORS[i % COLORS.length];
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>`);
    out.push(`<rect x="${m.l + pw - 150}" y="${m.t + ph - 20 - 18 * (sorted.length - i)}" width="12" height="12" fill="${color}"/>`);
    out.push(`<text x="${m.l + pw - 132}" y="${m.t + ph - 10 - 18 * (sorted.length - i)}">${esc(s.name)} (p99 ${percentile(s.xs, 0.99).toFixed(2)} s)</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
