// The console: log in with a token, then follow /ui/api/events and draw.
import { api, follow, token } from './api.js';
import { cumulative, histogram, scatter } from './charts.js';
import { drawNeighbourhood } from './graph.js';

const $ = (id) => document.getElementById(id);
const cell = (text, cls) => Object.assign(document.createElement('td'), { textContent: text ?? '', className: cls ?? '' });
const money = (v) => (v ? v.toFixed(6) : '0');
let me = null;
let selected = null;
let events = null;
let streaming = null;

function row(cells, attrs = {}) {
  const tr = document.createElement('tr');
  for (const [k, v] of Object.entries(attrs)) tr.setAttribute(k, v);
  tr.append(...cells);
  return tr;
}

function killButton(p) {
  const mayKill = p.state !== 'exited' && (me.admin || p.owner === me.owner);
  const b = Object.assign(document.createElement('button'), { textContent: 'kill', disabled: !mayKill, className: 'kill' });
  b.dataset.testid = `kill-${p.pid}`;
  b.addEventListener('click', async (e) => {
    e.stopPropagation();
    $('action-error').textContent = '';
    try {
      await api('/ui/api/kill', { method: 'POST', body: JSON.stringify({ pid: p.pid }) });
    } catch (err) {
      $('action-error').textContent = err.message;
    }
  });
  const td = document.createElement('td');
  td.append(b);
  return td;
}

function drawProcs(procs) {
  const n = (s) => procs.filter((p) => p.state === s).length;
  $('counts').textContent = `${n('running')} running · ${n('ready') + n('blocked')} waiting · ${n('exited')} exited`;
  $('procs').tBodies[0].replaceChildren(
    ...procs.map((p) => {
      const tr = row(
        [cell(p.pid), cell(p.exit ? `exited (${p.exit})` : p.state, `state ${p.state} ${p.exit ?? ''}`), cell(p.owner), cell(p.model), cell(p.priority), cell(`${p.wait_ms} ms`), cell(`${p.tokens_in}/${p.tokens_out}`), cell(money(p.cost_usd)), cell(p.prompt, 'prompt'), killButton(p)],
        { 'data-pid': p.pid, 'data-state': p.state, class: p.pid === selected ? 'selected' : '' },
      );
      tr.addEventListener('click', () => select(p.pid));
      return tr;
    }),
  );
}

function drawModels(models) {
  $('models').tBodies[0].replaceChildren(
    ...models.map((m) =>
      row([cell(m.id), cell(m.status), cell(m.healthy === null ? '?' : m.healthy ? 'up' : 'down'), cell(m.circuit, `circuit ${m.circuit}`), cell(`${m.slots_in_use}/${m.slots}`), cell(m.latency_ms ?? '—'), cell(`${m.price_in_per_1k}/${m.price_out_per_1k}`), cell(m.calls), cell(money(m.cost_usd))], { 'data-model': m.id }),
    ),
  );
}

function draw(s) {
  drawProcs(s.procs);
  drawModels(s.models);
  const q = s.queues;
  $('queues').textContent = `scheduler ${q.scheduler}, allocator ${q.allocator}; ${q.queued} queued` + (Object.keys(q.by_class).length ? ` (by class: ${Object.entries(q.by_class).map(([c, n]) => `${c}:${n}`).join(', ')})` : '');
  $('budgets').tBodies[0].replaceChildren(...s.budgets.map((b) => row([cell(b.owner), cell(money(b.spent.cost_usd)), cell(b.limit.cost_usd ?? '∞'), cell(b.spent.tokens), cell(b.limit.tokens ?? '∞')])));
  histogram($('chart-wait'), s.waits_ms);
  cumulative($('chart-spend'), s.spend.map((p) => ({ at: p.at, value: p.cost_usd })));
  scatter($('chart-acc'), s.accuracy_vs_cost);
}

async function select(pid) {
  selected = pid;
  streaming?.abort();
  streaming = new AbortController();
  $('sel-pid').textContent = String(pid);
  $('stream').textContent = '';
  $('explain').textContent = '…';
  let explained = false;
  let attempts = 0;
  const explain = () =>
    api(`/ui/api/explain/${pid}`).then(
      (x) => ((explained = true), ($('explain').textContent = `${x.model}: ${x.reason}\n${Object.entries(x.scores).map(([m, v]) => `  ${m}: ${v.toFixed(3)}`).join('\n')}`)),
      (e) => ($('explain').textContent = e.message),
    );
  follow(`/ui/api/stream/${pid}`, (ev, d) => {
    if (ev === 'token') $('stream').textContent += d.text;
    if (ev === 'end' && !$('stream').textContent) $('stream').textContent = d.text; // it ran unwatched: show its answer
    if (ev !== 'state') return;
    if (d.attempts > attempts && attempts > 0) $('stream').textContent = ''; // a retry answers afresh: show its tokens only
    attempts = d.attempts;
    $('sel-state').textContent = d.exit ? `exited (${d.exit})${d.error ? ` ${d.error}` : ''}` : d.state;
    if (!explained && d.state !== 'ready') explain(); // the allocator chooses when the process leaves the queue
    else if (d.state === 'ready') $('explain').textContent = 'queued: no model chosen yet';
  }, streaming.signal).catch((e) => e.name !== 'AbortError' && ($('sel-state').textContent = e.message));
}

async function live() {
  events?.abort();
  events = new AbortController();
  for (;;) {
    try {
      $('live').className = 'pill on';
      $('live').textContent = 'live';
      await follow('/ui/api/events', (ev, d) => ev === 'snapshot' && draw(d), events.signal);
    } catch (e) {
      if (e.name === 'AbortError') return;
    }
    $('live').className = 'pill off';
    $('live').textContent = 'reconnecting';
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function kgSearch(q) {
  $('kg-error').textContent = '';
  try {
    const r = await api(`/ui/api/kg/search?q=${encodeURIComponent(q)}`);
    $('kg-results').replaceChildren(
      ...r.entities.map((e) => {
        const li = Object.assign(document.createElement('li'), { textContent: `${e.name} (${e.entityType})` });
        li.addEventListener('click', () => kgOpen(e.name));
        return li;
      }),
    );
  } catch (e) {
    $('kg-error').textContent = e.message;
  }
}

async function kgOpen(name) {
  try {
    drawNeighbourhood($('kg-graph'), name, await api(`/ui/api/kg/node/${encodeURIComponent(name)}`), kgOpen);
  } catch (e) {
    $('kg-error').textContent = e.message;
  }
}

async function start() {
  try {
    me = await api('/ui/api/me');
  } catch (e) {
    token.clear();
    $('login-error').textContent = e.message;
    return;
  }
  $('who').textContent = `${me.owner}${me.admin ? ' (admin)' : ''}`;
  $('login').hidden = true;
  $('console').hidden = false;
  $('logout').hidden = false;
  live();
}

$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  token.set($('token').value.trim());
  start();
});
$('logout').addEventListener('click', () => (token.clear(), location.reload()));
$('kg-form').addEventListener('submit', (e) => (e.preventDefault(), kgSearch($('kg-q').value)));
if (token.get()) start();
