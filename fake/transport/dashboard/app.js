// The customer-fake dashboard: namespaces, a namespace's customers and
// fault rules, the live journal and a retry timeline, over the JSON API
// under /api/v1/ (docs/dashboard.md). Every value from a client or a
// scenario goes into the page as text (textContent), never as HTML.
'use strict';

const POLL_MS = 500;
let timer = null;  // the current view's refresh

// --- Helpers -------------------------------------------------------------

// An element with attributes and children; strings become text nodes.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else if (value !== undefined && value !== null && value !== false) {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

class ApiError extends Error {
  constructor(status, error) {
    super(error.message || ('HTTP ' + status));
    this.status = status;
    this.code = error.code;
    this.reason = error.reason;
  }
}

// Calls the API; changes carry the CSRF header the server asks for.
async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (method !== 'GET') {
    init.headers['x-customer-fake-csrf'] = '1';
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body || {});
  }
  const response = await fetch('/api/v1' + path, init);
  if (response.status === 401) {
    window.location.reload();  // the login page
  }
  const type = response.headers.get('content-type') || '';
  const data = type.startsWith('application/json') ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, (data && data.error) || {});
  return data;
}

function nsPath(ns) { return '/namespaces/' + encodeURIComponent(ns); }

function seconds(duration) {
  // Protobuf JSON durations: "0.001500s".
  return duration ? parseFloat(duration) : 0;
}

function ms(duration) {
  const value = seconds(duration) * 1000;
  return value < 10 ? value.toFixed(2) + ' ms' : value.toFixed(0) + ' ms';
}

function timeOf(timestamp) {
  if (!timestamp) return '';
  const date = new Date(timestamp);
  return date.toLocaleTimeString(undefined, { hour12: false }) + '.' +
      String(date.getMilliseconds()).padStart(3, '0');
}

function shortMethod(method) { return method.slice(method.lastIndexOf('/') + 1); }

function message(node, text, ok) {
  node.textContent = text;
  node.className = ok ? 'ok' : 'error';
}

function setView(title, ...children) {
  const view = document.getElementById('view');
  view.replaceChildren(el('h1', {}, title), ...children);
}

function setNav(ns, current) {
  const nav = document.getElementById('nav');
  const links = [el('a', { href: '#/', class: current === 'namespaces' ? 'current' : null }, 'Namespaces')];
  if (ns !== undefined) {
    const base = '#/ns/' + encodeURIComponent(ns);
    links.push(el('a', { href: base, class: current === 'namespace' ? 'current' : null, id: 'nav-namespace' }, ns));
    links.push(el('a', { href: base + '/journal', class: current === 'journal' ? 'current' : null, id: 'nav-journal' }, 'Journal'));
    links.push(el('a', { href: base + '/timeline', class: current === 'timeline' ? 'current' : null, id: 'nav-timeline' }, 'Retry timeline'));
  }
  nav.replaceChildren(...links);
}

function every(ms, fn) {
  fn();
  timer = setInterval(fn, ms);
}

// --- Namespaces ----------------------------------------------------------

function namespacesView() {
  setNav(undefined, 'namespaces');
  const body = el('tbody', { id: 'namespaces' });
  const error = el('p', { class: 'error', id: 'namespaces-error' });
  const name = el('input', { type: 'text', id: 'open-name', placeholder: 'default', pattern: '[A-Za-z0-9._-]{1,64}' });
  const open = el('form', {
    class: 'toolbar',
    onsubmit: (event) => {
      event.preventDefault();
      window.location.hash = '#/ns/' + encodeURIComponent(name.value || 'default');
    },
  }, el('label', {}, 'Open namespace ', name), el('button', { type: 'submit' }, 'Open'));
  setView('Namespaces', el('section', {},
      el('p', { class: 'muted' }, 'A namespace is created on its first call (header x-fake-namespace; none means default).'),
      open,
      el('table', {}, el('thead', {}, el('tr', {},
          el('th', {}, 'Namespace'), el('th', {}, 'Customers'), el('th', {}, 'Fault rules'),
          el('th', {}, 'Calls'), el('th', {}, 'Last activity'))), body),
      error));
  every(2000, async () => {
    try {
      const data = await api('GET', '/namespaces');
      body.replaceChildren(...data.namespaces.map((space) => el('tr', { 'data-ns': space.name },
          el('td', {}, el('a', { href: '#/ns/' + encodeURIComponent(space.name) }, space.name)),
          el('td', {}, space.customers), el('td', {}, space.fault_rules), el('td', {}, space.calls),
          el('td', {}, space.last_activity ? new Date(space.last_activity).toLocaleString() : '—'))));
      if (data.namespaces.length === 0) {
        body.replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No namespace yet: make a call.')));
      }
      error.textContent = '';
    } catch (e) {
      error.textContent = e.message;
    }
  });
}

// --- A namespace ---------------------------------------------------------

function customersSection(ns) {
  const pageSize = 20;
  let offset = 0;
  const search = el('input', { type: 'search', id: 'customer-search', placeholder: 'id, name or email' });
  const body = el('tbody', { id: 'customers' });
  const info = el('span', { class: 'muted', id: 'customers-info' });
  const error = el('p', { class: 'error' });
  async function load() {
    try {
      const query = '?page_size=' + pageSize + '&offset=' + offset + '&q=' + encodeURIComponent(search.value);
      const data = await api('GET', nsPath(ns) + '/customers' + query);
      body.replaceChildren(...data.customers.map((c) => el('tr', { class: 'customer' },
          el('td', {}, c.id), el('td', { class: 'given-name' }, c.given_name), el('td', {}, c.family_name),
          el('td', {}, c.email_address), el('td', {}, c.language_code), el('td', {}, c.phone_number),
          el('td', {}, c.flags.join(', ')))));
      const last = Math.min(offset + data.customers.length, data.total);
      info.textContent = data.total === 0 ? 'no customers' : (offset + 1) + '–' + last + ' of ' + data.total;
      prev.disabled = offset === 0;
      next.disabled = last >= data.total;
      error.textContent = '';
    } catch (e) {
      error.textContent = e.message;
    }
  }
  const prev = el('button', { onclick: () => { offset = Math.max(0, offset - pageSize); load(); } }, '‹ Previous');
  const next = el('button', { onclick: () => { offset += pageSize; load(); } }, 'Next ›');
  search.addEventListener('input', () => { offset = 0; load(); });
  const section = el('section', {}, el('h2', {}, 'Customers'),
      el('div', { class: 'toolbar' }, search, prev, next, info),
      el('table', {}, el('thead', {}, el('tr', {}, ['Id', 'Given name', 'Family name', 'Email', 'Language', 'Phone', 'Flags']
          .map((h) => el('th', {}, h)))), body), error);
  return { section, load };
}

function actionOf(rule) {
  const action = rule.action || (rule.sequence && rule.sequence[0]);
  if (!action) return '';
  let text = action.code || 'OK';
  if (rule.sequence && rule.sequence.length > 0) text = 'sequence of ' + rule.sequence.length;
  if (action.message) text += ': ' + action.message;
  return text;
}

function rulesSection(ns, reloadAll) {
  const body = el('tbody', { id: 'rules' });
  const yaml = el('textarea', { id: 'rule-yaml', spellcheck: 'false', placeholder: 'method: GetCustomer\ntimes: 1\naction: {code: UNAVAILABLE, message: injected outage}' });
  const result = el('pre', { id: 'rule-result' });
  const error = el('p', { class: 'error' });
  async function load() {
    try {
      const data = await api('GET', nsPath(ns) + '/rules');
      body.replaceChildren(...data.rules.map((status) => {
        const rule = status.rule;
        return el('tr', { class: 'rule', 'data-id': rule.id },
            el('td', {}, rule.id), el('td', {}, rule.method), el('td', {}, actionOf(rule)),
            el('td', {}, status.matched), el('td', {}, status.acted),
            el('td', {}, el('button', {
              class: 'danger remove-rule',
              onclick: async () => {
                try { await api('DELETE', nsPath(ns) + '/rules/' + encodeURIComponent(rule.id)); } catch (e) { error.textContent = e.message; }
                reloadAll();
              },
            }, 'Remove')));
      }));
      if (data.rules.length === 0) body.replaceChildren(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No fault rules.')));
      error.textContent = '';
    } catch (e) {
      error.textContent = e.message;
    }
  }
  const form = el('form', {
    id: 'rule-form',
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        const data = await api('POST', nsPath(ns) + '/rules', { yaml: yaml.value });
        message(result, 'added rule ' + data.id, true);
        reloadAll();
      } catch (e) {
        message(result, e.message, false);
      }
    },
  }, el('label', {}, 'Add a rule (YAML, as in a scenario\'s faults)', yaml),
  el('div', { class: 'toolbar' }, el('button', { type: 'submit', id: 'add-rule' }, 'Add rule'),
      el('button', {
        type: 'button', class: 'danger', id: 'clear-rules',
        onclick: async () => {
          try { await api('DELETE', nsPath(ns) + '/rules'); } catch (e) { error.textContent = e.message; }
          reloadAll();
        },
      }, 'Clear all rules')), result);
  const section = el('section', {}, el('h2', {}, 'Fault rules'),
      el('table', {}, el('thead', {}, el('tr', {}, ['Id', 'Method', 'Action', 'Matched', 'Acted', '']
          .map((h) => el('th', {}, h)))), body), error, form);
  return { section, load };
}

function stateSection(ns, reloadAll) {
  const status = el('p', { id: 'state-result' });
  async function run(label, method, path, body) {
    try {
      await api(method, nsPath(ns) + path, body);
      message(status, label + ': done', true);
    } catch (e) {
      message(status, label + ': ' + e.message, false);
    }
    reloadAll();
  }
  const scenario = el('textarea', { id: 'scenario-yaml', spellcheck: 'false', placeholder: 'version: 1\ncustomers: []' });
  const file = el('input', { type: 'file', id: 'scenario-file', accept: '.yaml,.yml' });
  file.addEventListener('change', async () => {
    if (file.files.length > 0) scenario.value = await file.files[0].text();
  });
  const exportLink = el('a', { href: '/api/v1' + nsPath(ns) + '/export', download: ns + '.yaml', id: 'export' }, 'Export (download YAML)');
  return el('section', {}, el('h2', {}, 'State'),
      el('div', { class: 'toolbar' },
          el('button', { id: 'reset', onclick: () => run('Reset', 'POST', '/reset', {}) }, 'Reset to baseline'),
          el('button', { id: 'reset-empty', onclick: () => run('Reset empty', 'POST', '/reset', { empty: true }) }, 'Reset empty'),
          el('button', { id: 'clear-calls', onclick: () => run('Clear calls', 'DELETE', '/calls') }, 'Clear calls'),
          el('button', {
            id: 'delete-namespace', class: 'danger',
            onclick: async () => {
              try {
                await api('DELETE', nsPath(ns));
                window.location.hash = '#/';
              } catch (e) {
                message(status, 'Delete: ' + e.message, false);
              }
            },
          }, 'Delete namespace'),
          exportLink),
      status,
      el('label', {}, 'Load a scenario (paste or pick a file): it becomes the baseline and state', scenario),
      el('div', { class: 'toolbar' }, file,
          el('button', { id: 'load-scenario', onclick: () => run('Load scenario', 'POST', '/scenario', { yaml: scenario.value, source_name: 'dashboard' }) }, 'Load scenario')));
}

function namespaceView(ns) {
  setNav(ns, 'namespace');
  const customers = customersSection(ns);
  let rules;
  const reloadAll = () => { customers.load(); rules.load(); };
  rules = rulesSection(ns, reloadAll);
  setView('Namespace ' + ns, stateSection(ns, reloadAll), customers.section, rules.section);
  customers.load();
  timer = setInterval(rules.load, 2000);
  rules.load();
}

// --- The journal ---------------------------------------------------------

function metadataText(metadata) {
  return Object.entries(metadata || {}).map(([key, value]) => key + ': ' + value).join('\n');
}

function prettyJson(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
}

function callRow(call, body) {
  const failed = call.code !== 'OK';
  const row = el('tr', { class: 'call', 'data-sequence': call.sequence },
      el('td', {}, timeOf(call.arrival_time)),
      el('td', { class: 'method' }, shortMethod(call.method)),
      el('td', { class: failed ? 'code code-error' : 'code code-OK' }, call.code + (call.reason ? ' ' + call.reason : '')),
      el('td', { class: 'rule' }, call.fault_rule),
      el('td', { class: 'attempt' }, call.attempt + (call.since_previous_attempt ? ' (+' + ms(call.since_previous_attempt) + ')' : '')),
      el('td', {}, ms(call.duration)),
      el('td', {}, call.outcome));
  row.addEventListener('click', () => {
    const open = row.nextSibling && row.nextSibling.classList && row.nextSibling.classList.contains('detail');
    if (open) {
      row.nextSibling.remove();
      return;
    }
    row.after(el('tr', { class: 'detail' }, el('td', { colspan: 7 },
        el('strong', {}, 'Request'), el('pre', { class: 'request' }, prettyJson(call.request_json)),
        el('strong', {}, 'Metadata'), el('pre', { class: 'metadata' }, metadataText(call.metadata)),
        call.message ? [el('strong', {}, 'Message'), el('pre', {}, call.message)] : null)));
  });
  return row;
}

function journalView(ns) {
  setNav(ns, 'journal');
  const method = el('input', { type: 'text', id: 'filter-method', placeholder: 'method, e.g. GetCustomer' });
  const code = el('input', { type: 'text', id: 'filter-code', placeholder: 'code, e.g. UNAVAILABLE' });
  const text = el('input', { type: 'search', id: 'filter-text', placeholder: 'text in request, reason, message' });
  const body = el('tbody', { id: 'calls' });
  const error = el('p', { class: 'error', id: 'journal-error' });
  let after = '0';
  let busy = false;
  function restart() { after = '0'; body.replaceChildren(); }
  for (const input of [method, code, text]) input.addEventListener('input', restart);
  setView('Journal of ' + ns, el('section', {},
      el('div', { class: 'toolbar' }, method, code, text, el('span', { class: 'muted' }, 'live: new calls appear as they arrive')),
      el('table', {}, el('thead', {}, el('tr', {}, ['Time', 'Method', 'Code and reason', 'Rule', 'Attempt (gap)', 'Duration', 'Outcome']
          .map((h) => el('th', {}, h)))), body), error));
  every(POLL_MS, async () => {
    if (busy) return;
    busy = true;
    try {
      const query = '?page_size=1000&after=' + after + '&method=' + encodeURIComponent(method.value) +
          '&code=' + encodeURIComponent(code.value.trim().toUpperCase()) + '&q=' + encodeURIComponent(text.value);
      const data = await api('GET', nsPath(ns) + '/calls' + query);
      // Newest first.
      for (const call of data.calls) body.prepend(callRow(call, body));
      after = data.last_sequence;
      error.textContent = '';
    } catch (e) {
      error.textContent = e.message;
    } finally {
      busy = false;
    }
  });
}

// --- The retry timeline --------------------------------------------------

function timelineView(ns) {
  setNav(ns, 'timeline');
  const chart = el('div', { id: 'timeline' });
  const error = el('p', { class: 'error' });
  setView('Retry timeline of ' + ns, el('section', {},
      el('p', { class: 'muted' }, 'One lane per request (same method, equal request): each dot an attempt, green for OK, red for an error; hover for its code and gap.'),
      chart, error));
  every(1000, async () => {
    try {
      const data = await api('GET', nsPath(ns) + '/calls?page_size=1000');
      chart.replaceChildren(drawTimeline(data.calls));
      error.textContent = '';
    } catch (e) {
      error.textContent = e.message;
    }
  });
}

function drawTimeline(calls) {
  const lanes = new Map();  // attempt key -> calls
  for (const call of calls) {
    const key = call.method + ' ' + call.request_json;
    if (!lanes.has(key)) lanes.set(key, []);
    lanes.get(key).push(call);
  }
  const laneHeight = 30;
  const left = 260;
  const width = 1000;
  const height = Math.max(1, lanes.size) * laneHeight + 34;
  const root = svg('svg', { class: 'timeline', viewBox: '0 0 ' + width + ' ' + height, role: 'img' });
  if (calls.length === 0) {
    root.append(svg('text', { x: 10, y: 20 }, 'No calls yet.'));
    return root;
  }
  // Each lane from its first attempt, all on one scale: lanes of one retry
  // policy line up, and its back-off shows as the gaps.
  let span = 1;
  for (const attempts of lanes.values()) {
    const first = Date.parse(attempts[0].arrival_time);
    span = Math.max(span, Date.parse(attempts[attempts.length - 1].arrival_time) - first);
  }
  const x = (t) => left + (t / span) * (width - left - 30);
  root.append(svg('text', { x: left, y: height - 8 }, '0 ms (first attempt)'));
  root.append(svg('text', { x: width - 90, y: height - 8 }, span + ' ms'));
  let lane = 0;
  for (const attempts of lanes.values()) {
    const y = 16 + lane * laneHeight;
    const first = Date.parse(attempts[0].arrival_time);
    const label = shortMethod(attempts[0].method) + ' ' + attempts[0].request_json;
    root.append(svg('text', { x: 4, y: y + 4 }, label.length > 40 ? label.slice(0, 39) + '…' : label));
    root.append(svg('line', { class: 'lane', x1: left, x2: width - 10, y1: y, y2: y }));
    let previous = null;
    for (const call of attempts) {
      const cx = x(Date.parse(call.arrival_time) - first);
      if (previous !== null) {
        root.append(svg('line', { class: 'gap', x1: previous, x2: cx, y1: y, y2: y }));
        root.append(svg('text', { class: 'gap-label', x: cx + 8, y: y - 4 }, '+' + ms(call.since_previous_attempt)));
      }
      const dot = svg('circle', { cx, cy: y, r: 6, class: call.code === 'OK' ? 'ok' : 'fail', 'data-code': call.code });
      dot.append(svg('title', {}, 'attempt ' + call.attempt + ': ' + call.code +
          (call.since_previous_attempt ? ', ' + ms(call.since_previous_attempt) + ' after the previous' : '')));
      root.append(dot);
      previous = cx;
    }
    lane += 1;
  }
  return root;
}

// --- Routing -------------------------------------------------------------

function route() {
  if (timer !== null) clearInterval(timer);
  timer = null;
  const parts = window.location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'ns' && parts[1]) {
    if (parts[2] === 'journal') return journalView(parts[1]);
    if (parts[2] === 'timeline') return timelineView(parts[1]);
    return namespaceView(parts[1]);
  }
  return namespacesView();
}

window.addEventListener('hashchange', route);
route();
