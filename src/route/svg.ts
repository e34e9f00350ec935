import type { Score } from './tally.js';

export interface PlotPoint extends Score {
  label: string;
  /** Drawn larger and in its own colour (the allocator as it was run). */
  highlight?: boolean;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * Accuracy (y) against dollars per 1,000 prompts (x, log scale): the allocator's
 * λ sweep as a connected line, reference points (single models, oracle,
 * random, and highlighted the allocator as run) as labelled dots. A self-contained SVG document.
 */
export function paretoSvg(sweep: PlotPoint[], refs: PlotPoint[], title: string): string {
  const W = 760, H = 480, L = 60, R = 200, T = 40, B = 50;
  const all = [...sweep, ...refs].filter((p) => p.cost_per_1k > 0);
  const lx = all.map((p) => Math.log10(p.cost_per_1k));
  const x0 = Math.floor(Math.min(...lx) * 2) / 2, x1 = Math.ceil(Math.max(...lx) * 2) / 2 || x0 + 1;
  const y0 = Math.max(0, Math.floor(Math.min(...all.map((p) => p.accuracy)) * 10) / 10), y1 = 1;
  const X = (c: number) => L + ((Math.log10(Math.max(c, 1e-9)) - x0) / (x1 - x0 || 1)) * (W - L - R);
  const Y = (a: number) => T + ((y1 - a) / (y1 - y0 || 1)) * (H - T - B);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/><text x="${L}" y="22" font-size="14">${esc(title)}</text>`);
  for (let e = Math.ceil(x0); e <= x1; e++) out.push(`<line x1="${X(10 ** e)}" y1="${T}" x2="${X(10 ** e)}" y2="${H - B}" stroke="#eee"/><text x="${X(10 ** e)}" y="${H - B + 16}" text-anchor="middle">$${10 ** e}</text>`);
  for (let a = y0; a <= y1 + 1e-9; a += 0.1) out.push(`<line x1="${L}" y1="${Y(a)}" x2="${W - R}" y2="${Y(a)}" stroke="#eee"/><text x="${L - 6}" y="${Y(a) + 4}" text-anchor="end">${a.toFixed(1)}</text>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">dollars per 1,000 prompts (log)</text><text x="16" y="${(T + H - B) / 2}" transform="rotate(-90 16 ${(T + H - B) / 2})" text-anchor="middle">accuracy</text>`);
  const line = sweep.filter((p) => p.cost_per_1k > 0).sort((a, b) => a.cost_per_1k - b.cost_per_1k);
  if (line.length) out.push(`<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${line.map((p) => `${X(p.cost_per_1k).toFixed(1)},${Y(p.accuracy).toFixed(1)}`).join(' ')}"/>`);
  for (const p of line) out.push(`<circle cx="${X(p.cost_per_1k).toFixed(1)}" cy="${Y(p.accuracy).toFixed(1)}" r="3" fill="#1f77b4"><title>${esc(p.label)}</title></circle><text x="${X(p.cost_per_1k) + 4}" y="${Y(p.accuracy) - 4}" fill="#1f77b4" font-size="9">${esc(p.label)}</text>`);
  for (const p of refs) {
    const colour = p.highlight ? '#ff7f0e' : p.label === 'oracle' ? '#2ca02c' : p.label === 'random' ? '#7f7f7f' : '#d62728';
    out.push(`<circle cx="${X(p.cost_per_1k).toFixed(1)}" cy="${Y(p.accuracy).toFixed(1)}" r="${p.highlight ? 5 : 3.5}" fill="${colour}"><title>${esc(p.label)}</title></circle><text x="${X(p.cost_per_1k) + 5}" y="${Y(p.accuracy) + 4}" fill="${colour}" font-size="9">${esc(p.label.split('/').pop()!)}</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
}
