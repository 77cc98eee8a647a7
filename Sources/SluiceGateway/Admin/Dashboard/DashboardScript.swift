// The dashboard's script, served at `/dashboard.js` beside DashboardPage (embedded for the same reason: no
// resource bundle to lose). Vanilla JS, no library: it polls the admin API once a second and draws on <canvas>.
enum DashboardScript {
    static let javaScript: String = #"""
'use strict';
// Sluice dashboard: polls the admin API once a second (one request round at a time) and renders it.
(function () {
  const TOKEN_KEY = 'sluice.adminToken';
  const TAB_KEY = 'sluice.dashboardTab';
  const COLORS = { pass: '#16a34a', block: '#dc2626', rt: '#2563eb', grid: '#eef2f7', axis: '#94a3b8' };
  const state = { token: null, needToken: false, rules: 'unknown', rulesCheckedAt: 0, version: null,
                  versionAsked: false, flow: null, cards: new Map() };
  const $ = (id) => document.getElementById(id);

  // --- token: from the URL fragment (#token=...) into sessionStorage, never left in the visible URL ---
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  if (fragment.has('token')) {
    sessionStorage.setItem(TOKEN_KEY, fragment.get('token'));
    history.replaceState(null, '', location.pathname + location.search);
  }
  state.token = sessionStorage.getItem(TOKEN_KEY);

  // A 401 to a request sent with an older token is stale: only one sent with the current token asks again.
  class AuthError extends Error {
    constructor(path, token) { super(path); this.token = token; }
  }

  async function get(path, okStatuses) {
    const token = state.token;
    const headers = token ? { Authorization: 'Bearer ' + token } : {};
    const response = await fetch(path, { headers, cache: 'no-store' });
    if (response.status === 401) throw new AuthError(path, token);
    if (!response.ok && !(okStatuses || []).includes(response.status)) {
      return { status: response.status, body: null };
    }
    const type = response.headers.get('Content-Type') || '';
    return { status: response.status, body: type.includes('json') ? await response.json() : await response.text() };
  }

  // --- small DOM helpers ---
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null) continue;
      if (key === 'class') node.className = value;
      else if (key.startsWith('data-') || key === 'title') node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }
  const badge = (text, kind, title) => el('span', { class: 'badge ' + kind, title }, text);
  const num = (value) => el('td', { class: 'num' }, value === null || value === undefined ? '–' : value);
  const fmt = (value) => (value === null || value === undefined ? '–' : Number.isInteger(value) ? String(value) : value.toFixed(1));
  // A file:line:col origin, its directories cut to the last one (the whole path in the tooltip).
  const origin = (text) => el('span', { class: 'mono muted', title: text || '' }, (text || '').split('/').slice(-2).join('/'));
  const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false });
  function table(headers, rows) {
    return el('table', {}, el('thead', {}, el('tr', {}, headers.map((h) => el('th', { class: h.num ? 'num' : null }, h.text || h)))),
      el('tbody', {}, rows));
  }

  // --- header: readiness, version, listeners, reloads ---
  function renderReady(ready, status) {
    const node = $('ready');
    if (!ready) { node.textContent = 'unknown'; node.className = 'badge off'; return; }
    const down = Object.entries(ready.services || {}).filter(([, s]) => !s.ready).map(([name]) => name);
    node.textContent = ready.ready ? 'ready' : 'not ready';
    node.className = 'badge ' + (ready.ready ? 'ok' : 'bad');
    node.dataset.ready = String(ready.ready);
    node.title = ready.ready ? ready.routes + ' routes loaded; every service has a usable endpoint'
      : 'HTTP ' + status + (down.length ? '; no usable endpoint: ' + down.join(', ') : '');
  }

  function renderConfig(config) {
    if (!config) return;
    if (config.version) state.version = config.version;
    $('version').textContent = state.version || '–';
    $('listeners').textContent = (config.listeners || []).map((l) => (l.tls ? 'https://' : 'http://') + (l.bound || l.address)).join(', ') || '–';
    const reloads = config.reloads || {};
    const last = reloads.last;
    let text = (reloads.succeeded || 0) + ' ok, ' + (reloads.failed || 0) + ' failed';
    if (last) text += '; last ' + (last.reloaded ? 'ok' : 'REFUSED') + ' (' + last.trigger + ', ' + clock(Date.parse(last.at)) + ')';
    $('reloads').textContent = text;
    const box = $('reload-errors');
    const errors = last && !last.reloaded ? last.errors || [] : [];
    box.hidden = errors.length === 0;
    box.replaceChildren(...(errors.length ? ['The last reload was refused; the running configuration is unchanged:',
      el('ul', {}, errors.map((e) => el('li', { class: 'mono' }, e)))] : []));
  }

  // The version is in /admin/config once the gateway puts it there; until then, /metrics' sluice_build_info.
  async function loadVersion() {
    state.versionAsked = true;
    try {
      const metrics = await get('metrics');
      const match = typeof metrics.body === 'string' && /sluice_build_info\{version="([^"]*)"\}/.exec(metrics.body);
      state.version = match ? match[1] : null;
    } catch (error) {
      if (error instanceof AuthError && error.token === state.token) askForToken();
      state.versionAsked = false;
    }
    if (state.version) $('version').textContent = state.version;
  }

  // --- resources: one card per watched resource, plus all inbound traffic ---
  function breakerBadge(breaker) {
    const kind = { closed: 'ok', open: 'bad', half_open: 'warn' }[breaker.state] || 'off';
    return el('span', { class: 'badge ' + kind, 'data-breaker': breaker.state, title: 'circuit breaker (' + breaker.strategy + ')' },
      breaker.strategy.replace(/_/g, ' ') + ': ' + breaker.state.toUpperCase());
  }

  function makeCard(key, title) {
    const field = (cls, label) => el('span', { class: cls }, label + ' ', el('b', { class: 'v-' + cls }, '–'));
    const card = el('div', { class: 'card', 'data-resource': key === null ? null : key, 'data-inbound': key === null ? 'true' : null },
      el('div', { class: 'card-head' }, el('span', { class: 'name' }, title), el('span', { class: 'breakers' }),
        el('span', { class: 'concurrency' })),
      el('div', { class: 'card-body' },
        el('div', { class: 'chart-box' },
          el('div', { class: 'legend' }, el('span', {}, el('i', { style: 'background:' + COLORS.pass }), 'pass QPS'),
            el('span', {}, el('i', { style: 'background:' + COLORS.block }), 'block QPS'),
            el('span', {}, el('i', { style: 'background:' + COLORS.rt }), 'avg RT (ms, right axis)')),
          el('canvas', { class: 'chart' }),
          el('div', { class: 'numbers' }, field('pass', 'pass QPS'), field('block', 'block QPS'), field('success', 'success QPS'),
            field('exception', 'exception QPS'), field('rt', 'avg RT ms'),
            el('span', { class: 'totals' }, '60 s: ', el('b', { class: 'v-pass-total' }, '0'), ' passed, ',
              el('b', { class: 'v-block-total' }, '0'), ' blocked'))),
        el('div', { class: 'recent' })));
    return card;
  }

  function updateCard(card, item, now) {
    const seconds = item.seconds || [];
    const full = seconds.filter((s) => s.t + 1000 <= now);
    const last = full[full.length - 1] || { pass: 0, block: 0, success: 0, exception: 0, avg_rt_ms: null };
    const sum = (key) => seconds.reduce((total, s) => total + (s[key] || 0), 0);
    const totals = { pass: sum('pass'), block: sum('block') };
    const set = (cls, value) => { card.querySelector('.v-' + cls).textContent = value; };
    set('pass', last.pass); set('block', last.block); set('success', last.success); set('exception', last.exception);
    set('rt', fmt(last.avg_rt_ms)); set('pass-total', totals.pass); set('block-total', totals.block);
    Object.assign(card.dataset, { passQps: last.pass, blockQps: last.block, passTotal: totals.pass, blockTotal: totals.block });
    if (item.breakers) card.querySelector('.breakers').replaceChildren(...item.breakers.map(breakerBadge));
    if (item.concurrency !== undefined) {
      card.querySelector('.concurrency').textContent = 'concurrency ' + item.concurrency;
      card.dataset.concurrency = item.concurrency;
    }
    // Sentinel's table of the latest seconds, newest first.
    const recent = full.slice(-6).reverse().map((s) => el('tr', {}, el('td', {}, clock(s.t)), num(s.pass), num(s.block),
      num(s.success), num(s.exception), num(fmt(s.avg_rt_ms))));
    card.querySelector('.recent').replaceChildren(table(['time', { text: 'pass', num: 1 }, { text: 'block', num: 1 },
      { text: 'success', num: 1 }, { text: 'exception', num: 1 }, { text: 'RT ms', num: 1 }], recent));
    drawChart(card.querySelector('canvas'), full, now); // the current second is still filling: not drawn
  }

  function renderFlow(flow) {
    state.flow = flow;
    const container = $('resources');
    const wanted = [[null, 'All inbound traffic', flow.inbound]].concat(
      (flow.resources || []).map((r) => [r.resource, r.resource, r]));
    const keep = new Set();
    wanted.forEach(([key, title, item]) => {
      const id = key === null ? '\u0000inbound' : key;
      keep.add(id);
      let card = state.cards.get(id);
      if (!card) { card = makeCard(key, title); state.cards.set(id, card); }
      container.append(card); // keeps the order of the answer
      updateCard(card, item, flow.now);
    });
    for (const [id, card] of state.cards) if (!keep.has(id)) { card.remove(); state.cards.delete(id); }
    $('resources-empty').hidden = (flow.resources || []).length > 0;
    $('count-resources').textContent = (flow.resources || []).length;
  }

  // --- the chart: pass and block QPS on the left axis, average RT on the right, over the last 60 s ---
  function niceStep(max, least) {
    const raw = Math.max(max / 4, least);
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    return [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw - 1e-9);
  }

  const label = (value) => String(Number(value.toFixed(2)));

  function drawChart(canvas, seconds, now) {
    const width = canvas.clientWidth, height = canvas.clientHeight, ratio = window.devicePixelRatio || 1;
    if (!width || !height) return; // hidden tab: drawn when shown
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio);
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const pad = { left: 38, right: 42, top: 8, bottom: 20 };
    const plotW = width - pad.left - pad.right, plotH = height - pad.top - pad.bottom;
    const qpsStep = niceStep(Math.max(1, ...seconds.map((s) => Math.max(s.pass, s.block))), 1);
    const rtStep = niceStep(Math.max(0.5, ...seconds.map((s) => s.avg_rt_ms || 0)), 0.25);
    const x = (t) => pad.left + ((t - (now - 60000)) / 60000) * plotW;
    const y = (value, step) => pad.top + plotH - (value / (step * 4)) * plotH;
    ctx.font = '10px system-ui, sans-serif';
    ctx.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const gy = Math.round(pad.top + plotH - (i / 4) * plotH) + 0.5;
      ctx.strokeStyle = COLORS.grid; ctx.beginPath(); ctx.moveTo(pad.left, gy); ctx.lineTo(pad.left + plotW, gy); ctx.stroke();
      ctx.fillStyle = COLORS.axis; ctx.textBaseline = 'middle';
      ctx.textAlign = 'right'; ctx.fillText(label(qpsStep * i), pad.left - 5, gy);
      ctx.textAlign = 'left'; ctx.fillText(label(rtStep * i), pad.left + plotW + 5, gy);
    }
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    [[-60, '-60s'], [-45, '-45s'], [-30, '-30s'], [-15, '-15s'], [0, 'now']].forEach(([offset, label]) => {
      ctx.fillText(label, x(now + offset * 1000), pad.top + plotH + 5);
    });
    // RT is null in quiet seconds: its line breaks there, and dots keep a lone busy second visible.
    const line = (key, step, color, fill, dashed) => {
      const points = seconds.map((s) => (s[key] === null || s[key] === undefined ? null : [x(s.t), y(s[key], step)]));
      const drawn = points.filter(Boolean);
      if (drawn.length === 0) return;
      const trace = () => {
        ctx.beginPath();
        let pen = false;
        points.forEach((p) => {
          if (p) (pen ? ctx.lineTo(p[0], p[1]) : ctx.moveTo(p[0], p[1]));
          pen = !!p;
        });
      };
      if (fill) {
        trace(); ctx.lineTo(drawn[drawn.length - 1][0], pad.top + plotH); ctx.lineTo(drawn[0][0], pad.top + plotH);
        ctx.closePath(); ctx.fillStyle = fill; ctx.fill();
      }
      trace();
      ctx.setLineDash(dashed ? [4, 3] : []); ctx.strokeStyle = color; ctx.lineWidth = 1.6; ctx.stroke(); ctx.setLineDash([]);
      if (dashed) {
        ctx.fillStyle = color;
        drawn.forEach(([px, py]) => { ctx.beginPath(); ctx.arc(px, py, 1.8, 0, 2 * Math.PI); ctx.fill(); });
      }
    };
    line('pass', qpsStep, COLORS.pass, 'rgba(22, 163, 74, 0.10)');
    line('block', qpsStep, COLORS.block);
    line('avg_rt_ms', rtStep, COLORS.rt, null, true);
  }

  // --- services, with their endpoints and health ---
  function health(endpoint) {
    if (endpoint.draining) return ['draining', 'warn', 'leaving the endpoint set; finishing its calls'];
    if (endpoint.healthy === false) return ['unhealthy', 'bad', 'held down by its health check'];
    if (endpoint.usable === false) return ['ejected', 'bad', 'ejected by outlier detection on every event loop'];
    if (endpoint.healthy === true) return ['healthy', 'ok', 'passing its health check'];
    return ['up', 'ok', 'no health check: usable'];
  }

  function renderServices(services, ready) {
    const readiness = (ready && ready.services) || {};
    $('count-services').textContent = services.length;
    $('services').replaceChildren(...services.map((service) => {
      const r = readiness[service.name];
      const facts = [service.protocol, service.transport && service.transport + '/' + service.codec, 'balancer ' + service.balancer,
        service.timeout_ms !== null && service.timeout_ms !== undefined ? 'timeout ' + service.timeout_ms + ' ms' : null,
        service.discovery && service.discovery.kind !== 'static' ? 'discovery ' + service.discovery.kind : null,
        service.health_check ? 'health check' : null, service.outlier_detection ? 'outlier detection' : null,
        service.retry ? 'retries' : null, service.hedge ? 'hedging' : null, service.tls ? 'TLS' : null].filter(Boolean);
      const rows = (service.endpoints || []).map((endpoint) => {
        const [text, kind, title] = health(endpoint);
        const counts = endpoint.counts || {};
        return el('tr', { 'data-endpoint': endpoint.address, 'data-health': text },
          el('td', { class: 'mono' }, endpoint.address), num(endpoint.weight), el('td', {}, badge(text, kind, title)),
          el('td', {}, endpoint.usable ? 'yes' : badge('no', 'bad')), num(endpoint.in_flight),
          num(endpoint.loops ? endpoint.ejected_on_loops + ' / ' + endpoint.loops : endpoint.ejected_on_loops),
          num(counts.attempts), num(counts.retries), num(counts.hedges), num(counts.failures), num(counts.timeouts));
      });
      return el('div', { class: 'panel', 'data-service': service.name },
        el('h3', {}, service.name, r ? badge(r.ready ? 'ready' : 'not ready', r.ready ? 'ok' : 'bad',
          r.usable_endpoints + ' of ' + r.endpoints + ' endpoints usable') : null,
          el('span', { class: 'sub' }, facts.join(' · ')), origin(service.origin)),
        table(['endpoint', { text: 'weight', num: 1 }, 'health', 'usable', { text: 'in flight', num: 1 },
          { text: 'ejected on loops', num: 1 }, { text: 'attempts', num: 1 }, { text: 'retries', num: 1 },
          { text: 'hedges', num: 1 }, { text: 'failures', num: 1 }, { text: 'timeouts', num: 1 }], rows));
    }));
  }

  // --- the route table ---
  let lastRoutes = [], lastRules = null;
  function ruleSummary(resource) {
    if (!lastRules) return '';
    return Object.entries(lastRules)
      .map(([kind, list]) => [kind, Array.isArray(list) ? list.filter((r) => r.resource === resource).length : 0])
      .filter(([, n]) => n > 0).map(([kind, n]) => (n > 1 ? kind + ' ×' + n : kind)).join(', ');
  }
  function renderRoutes(routes) {
    lastRoutes = routes;
    $('count-routes').textContent = routes.length;
    const filter = $('routes-filter').value.trim().toLowerCase();
    const shown = routes.filter((r) => !filter ||
      [r.method, r.path, r.resource, r.service, r.call, r.protocol].join(' ').toLowerCase().includes(filter));
    $('routes').tBodies[0].replaceChildren(...shown.map((r) => el('tr', { 'data-route': r.resource },
      el('td', {}, el('span', { class: 'method' }, r.method)), el('td', { class: 'mono' }, r.path),
      // An unnamed route's resource is its method and path: not written twice.
      el('td', { class: 'mono' }, r.resource !== r.method + ' ' + r.path ? r.resource
        : el('span', { class: 'muted', title: r.resource }, '(method path)')),
      el('td', {}, r.service), el('td', { class: 'mono' }, r.call || '–'), el('td', {}, r.protocol),
      num(r.timeout_ms === null || r.timeout_ms === undefined ? null : r.timeout_ms + ' ms'),
      el('td', {}, [r.retry && 'retry', r.hedge && 'hedge'].filter(Boolean).join(', ')), el('td', {}, ruleSummary(r.resource)),
      el('td', {}, origin(r.origin)))));
  }

  // --- rules, in Sentinel's JSON: one table per kind, columns the union of the keys, resource first ---
  const RULE_TITLES = { flow: 'Flow rules', degrade: 'Circuit breakers (degrade rules)', param_flow: 'Hot-parameter rules',
    system: 'System rules', gateway_flow: 'Gateway flow rules', api_definitions: 'API groups' };
  const cell = (value) => value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);

  function renderRules(rules, status) {
    lastRules = rules;
    if (!rules) {
      $('rules-status').textContent = 'rules: not available' + (status === 404 ? '' : ' (HTTP ' + status + ')');
      $('rules').replaceChildren(); $('count-rules').textContent = ''; return;
    }
    const kinds = Object.entries(rules).filter(([, list]) => Array.isArray(list) && list.length > 0);
    const total = kinds.reduce((n, [, list]) => n + list.length, 0);
    $('count-rules').textContent = total;
    $('rules-status').textContent = total ? '' : 'No rules are loaded.';
    $('rules').replaceChildren(...kinds.map(([kind, list]) => {
      const keys = [];
      list.forEach((rule) => Object.keys(rule).forEach((k) => { if (!keys.includes(k)) keys.push(k); }));
      keys.sort((a, b) => (b === 'resource') - (a === 'resource'));
      return el('div', { class: 'panel', 'data-rule-kind': kind },
        el('h3', {}, RULE_TITLES[kind] || kind, el('span', { class: 'sub' }, list.length + (list.length === 1 ? ' rule' : ' rules'))),
        table(keys, list.map((rule) => el('tr', { 'data-resource': rule.resource },
          keys.map((k) => el('td', { class: k === 'resource' ? 'mono' : null }, cell(rule[k])))))));
    }));
  }

  // --- the loop: every second, one round of requests at a time ---
  function askForToken() {
    state.needToken = true;
    $('auth-message').textContent = state.token ? 'The admin API refused this token; enter another:' : 'The admin API needs a token:';
    $('auth').hidden = false;
    setStatus('waiting for a token', true);
  }

  function setStatus(text, bad) {
    $('status').textContent = text;
    $('status').className = 'status' + (bad ? ' bad' : '');
  }

  async function refresh() {
    const rulesDue = state.rules !== 'missing' || Date.now() - state.rulesCheckedAt > 30000;
    const [ready, config, flow, services, routes, rules] = await Promise.all([get('readyz', [503]), get('admin/config'),
      get('admin/flow'), get('admin/services'), get('admin/routes'), rulesDue ? get('admin/rules') : Promise.resolve(null)]);
    renderReady(ready.body, ready.status);
    renderConfig(config.body);
    if (!state.version && !state.versionAsked) loadVersion();
    if (flow.body) renderFlow(flow.body);
    if (services.body) renderServices(services.body.services || [], ready.body);
    if (rules) {
      state.rulesCheckedAt = Date.now();
      state.rules = rules.status === 404 ? 'missing' : 'present';
      renderRules(rules.body, rules.status);
    }
    if (routes.body) renderRoutes(routes.body.routes || []);
    const failed = [ready, config, flow, services, routes].filter((r) => r.body === null).map((r) => r.status);
    document.body.dataset.refreshes = Number(document.body.dataset.refreshes || 0) + 1;
    setStatus(failed.length ? 'some answers failed (HTTP ' + failed.join(', ') + ')' : 'live · ' + clock(Date.now()),
      failed.length > 0);
  }

  async function tick() {
    const started = Date.now();
    if (!state.needToken) {
      try {
        await refresh();
      } catch (error) {
        if (error instanceof AuthError) { if (error.token === state.token) askForToken(); }
        else setStatus('cannot reach the admin API (' + error.message + '); retrying', true);
      }
    }
    setTimeout(tick, Math.max(200, 1000 - (Date.now() - started)));
  }

  // --- tabs, the token form, resizing ---
  function showTab(name) {
    document.querySelectorAll('#tabs button').forEach((b) => b.classList.toggle('active', b.dataset.tab === name));
    document.querySelectorAll('section.tab').forEach((s) => { s.hidden = s.id !== 'tab-' + name; });
    sessionStorage.setItem(TAB_KEY, name);
    if (name === 'resources' && state.flow) renderFlow(state.flow);
  }
  $('tabs').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-tab]');
    if (button) showTab(button.dataset.tab);
  });
  $('auth-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.token = $('auth-token').value.trim();
    sessionStorage.setItem(TOKEN_KEY, state.token);
    $('auth-token').value = '';
    $('auth').hidden = true;
    state.needToken = false;
    setStatus('connecting…');
  });
  $('routes-filter').addEventListener('input', () => renderRoutes(lastRoutes));
  window.addEventListener('resize', () => { if (state.flow) renderFlow(state.flow); });

  showTab(sessionStorage.getItem(TAB_KEY) || 'resources');
  tick();
})();
"""#
}
