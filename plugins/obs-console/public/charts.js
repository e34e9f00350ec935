// Small SVG charts, drawn with DOM calls only (no library, no innerHTML).
const NS = 'http://www.w3.org/2000/svg';
const W = 320;
const H = 140;
const PAD = 28;

export function svgEl(name, attrs = {}, text) {
  const el = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function frame(host, empty) {
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img' });
  svg.append(svgEl('line', { x1: PAD, y1: H - PAD, x2: W - 6, y2: H - PAD, class: 'axis' }), svgEl('line', { x1: PAD, y1: 6, x2: PAD, y2: H - PAD, class: 'axis' }));
  host.replaceChildren(svg);
  if (empty) svg.append(svgEl('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'muted' }, empty));
  return svg;
}

const fmt = (v) => (v >= 1000 ? `${(v / 1000).toFixed(1)}k` : v >= 10 ? v.toFixed(0) : v.toPrecision(2));

/** A histogram of values over log-spaced bins (queue waits). */
export function histogram(host, values) {
  const svg = frame(host, values.length ? undefined : 'no exits yet');
  if (!values.length) return;
  const edges = [0, 1, 5, 10, 50, 100, 500, 1000, 5000, 10000, Infinity];
  const counts = edges.slice(0, -1).map((lo, i) => values.filter((v) => v >= lo && v < edges[i + 1]).length);
  const max = Math.max(...counts);
  const bw = (W - PAD - 8) / counts.length;
  counts.forEach((c, i) => {
    const h = ((H - PAD - 10) * c) / max;
    svg.append(svgEl('rect', { x: PAD + 2 + i * bw, y: H - PAD - h, width: bw - 3, height: h, class: 'bar' }, undefined));
    svg.append(svgEl('text', { x: PAD + 2 + i * bw + bw / 2, y: H - PAD + 12, 'text-anchor': 'middle', class: 'tick' }, edges[i + 1] === Infinity ? '∞' : `<${fmt(edges[i + 1])}`));
  });
  svg.append(svgEl('text', { x: 2, y: 14, class: 'tick' }, String(max)));
}

/** A cumulative line over time (spend). points: [{at, value}] oldest first. */
export function cumulative(host, points) {
  const svg = frame(host, points.length ? undefined : 'no spend yet');
  if (!points.length) return;
  let sum = 0;
  const acc = points.map((p) => ({ at: p.at, v: (sum += p.value) }));
  const t0 = acc[0].at;
  const span = Math.max(1, acc.at(-1).at - t0);
  const x = (t) => PAD + ((W - PAD - 8) * (t - t0)) / span;
  const y = (v) => H - PAD - ((H - PAD - 10) * v) / Math.max(sum, 1e-12);
  svg.append(svgEl('polyline', { points: acc.map((p) => `${x(p.at).toFixed(1)},${y(p.v).toFixed(1)}`).join(' '), class: 'line' }));
  svg.append(svgEl('text', { x: 2, y: 14, class: 'tick' }, `$${sum.toPrecision(3)}`));
  svg.append(svgEl('text', { x: W - 8, y: H - PAD + 12, 'text-anchor': 'end', class: 'tick' }, `${Math.round(span / 1000)} s`));
}

/** Accuracy (y, 0-1) against mean cost per call (x), one labelled dot per model. */
export function scatter(host, rows) {
  const svg = frame(host, rows.length ? undefined : 'no evaluations yet (model_eval)');
  if (!rows.length) return;
  const maxCost = Math.max(...rows.map((r) => r.cost_usd), 1e-9);
  for (const r of rows) {
    const cx = PAD + ((W - PAD - 60) * r.cost_usd) / maxCost;
    const cy = H - PAD - (H - PAD - 10) * r.accuracy;
    svg.append(svgEl('circle', { cx, cy, r: 4, class: 'dot' }), svgEl('text', { x: cx + 6, y: cy + 4, class: 'tick' }, r.model));
  }
  svg.append(svgEl('text', { x: 2, y: 14, class: 'tick' }, '1.0'), svgEl('text', { x: W - 8, y: H - PAD + 12, 'text-anchor': 'end', class: 'tick' }, `$${maxCost.toPrecision(2)}`));
}
