// A knowledge-graph node's neighbourhood: the node in the middle, its
// neighbours on a circle, one labelled edge per relation.
import { svgEl } from './charts.js';

const W = 360;
const H = 260;

/** subgraph: kg_open_nodes's answer {entities, relations}; onPick(name) opens a neighbour. */
export function drawNeighbourhood(host, center, subgraph, onPick) {
  const rels = (subgraph.relations ?? []).filter((r) => r.from === center || r.to === center).slice(0, 24);
  const names = [...new Set(rels.map((r) => (r.from === center ? r.to : r.from)))];
  const pos = new Map([[center, { x: W / 2, y: H / 2 }]]);
  names.forEach((n, i) => {
    const a = (2 * Math.PI * i) / Math.max(names.length, 1) - Math.PI / 2;
    pos.set(n, { x: W / 2 + 105 * Math.cos(a), y: H / 2 + 95 * Math.sin(a) });
  });
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `neighbourhood of ${center}` });
  for (const r of rels) {
    const a = pos.get(r.from);
    const b = pos.get(r.to);
    svg.append(svgEl('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: 'edge' }));
    svg.append(svgEl('text', { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 3, 'text-anchor': 'middle', class: 'edge-label' }, r.relationType));
  }
  for (const [name, p] of pos) {
    const g = svgEl('g', { class: name === center ? 'node center' : 'node', 'data-name': name });
    g.append(svgEl('circle', { cx: p.x, cy: p.y, r: name === center ? 9 : 6 }), svgEl('text', { x: p.x, y: p.y + 20, 'text-anchor': 'middle' }, name.length > 24 ? `${name.slice(0, 23)}…` : name));
    if (name !== center) g.addEventListener('click', () => onPick(name));
    svg.append(g);
  }
  host.replaceChildren(svg);
  if (!names.length) host.append(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'no relations' }));
}
