// The officer's page. Plain JavaScript, no framework. Every piece of data reaches the page
// through textContent or an attribute set by the DOM API — never innerHTML — so a plate, a
// reason or a note cannot inject markup.
/* global document, window, fetch, Node, AudioContext, EventSource */
'use strict';

const state = { user: null, csrf: null, stream: null, audio: null, pendingHit: null, currentHit: null };

const $ = (id) => document.getElementById(id);

/** el('td', {class: 'x'}, 'text', childNode) */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

const time = (ms) => (ms === null || ms === undefined ? '' : new Date(ms).toLocaleString());
const can = (perm) => !!state.user && state.user.permissions.includes(perm);

async function api(method, url, body) {
  const headers = {};
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    if (state.csrf) headers['x-csrf-token'] = state.csrf;
  }
  const res = await fetch(url, { method, headers, body: method === 'GET' ? undefined : JSON.stringify(body || {}), credentials: 'same-origin' });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && url !== '/api/login') showLogin('Your session ended; log in again.');
  if (!res.ok) throw new Error(data.error || `request failed (${res.status})`);
  return data;
}

// ---- alert sound: a short two-tone beep (WebAudio; the context is created on the login tap,
// because browsers only allow sound after a user gesture).
function beep() {
  const ctx = state.audio;
  if (!ctx) return;
  const t = ctx.currentTime;
  for (const [i, f] of [880, 660, 880].entries()) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = f;
    gain.gain.setValueAtTime(0.3, t + i * 0.18);
    gain.gain.exponentialRampToValueAtTime(0.001, t + i * 0.18 + 0.16);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t + i * 0.18);
    osc.stop(t + i * 0.18 + 0.17);
  }
}

// ---- login / session
function showLogin(message) {
  stopStream();
  state.user = null;
  state.csrf = null;
  $('app-view').hidden = true;
  $('login-view').hidden = false;
  $('logout').hidden = true;
  $('who').textContent = '';
  $('login-error').textContent = message || '';
}

function showApp(user, csrf) {
  state.user = user;
  state.csrf = csrf;
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = `${user.displayName} (${user.roles.join(', ')})`;
  for (const node of document.querySelectorAll('[data-needs]')) node.hidden = !can(node.dataset.needs);
  if (!user.trained) {
    clear($('hit-detail')).append(el('p', { class: 'error' }, 'Your training is not recorded: no access to ALPR data until an administrator records it.'));
    return;
  }
  startStream();
  loadHits();
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (!state.audio && window.AudioContext) state.audio = new AudioContext();
  $('login-error').textContent = '';
  try {
    const r = await api('POST', '/api/login', { username: $('login-username').value, password: $('login-password').value });
    $('login-password').value = '';
    showApp(r.user, r.csrfToken);
  } catch (err) {
    $('login-error').textContent = err.message;
  }
});

$('logout').addEventListener('click', async () => {
  await api('POST', '/api/logout').catch(() => undefined);
  showLogin('Logged out.');
});

// ---- tabs
for (const tab of document.querySelectorAll('#tabs .tab')) {
  tab.addEventListener('click', () => openTab(tab.dataset.tab));
}

function openTab(name) {
  for (const t of document.querySelectorAll('#tabs .tab')) t.classList.toggle('active', t.dataset.tab === name);
  for (const p of document.querySelectorAll('.tab-panel')) p.hidden = p.id !== `tab-${name}`;
  if (name === 'hits') loadHits();
  if (name === 'hotlist') loadHotlist();
  if (name === 'holds') loadHolds();
  if (name === 'audit') loadAudit();
}

// ---- live hits
function stopStream() {
  if (state.stream) state.stream.close();
  state.stream = null;
  setLive(false);
}

function setLive(on) {
  const s = $('live-state');
  s.textContent = on ? 'live' : 'offline';
  s.className = `state ${on ? 'on' : 'off'}`;
}

function startStream() {
  stopStream();
  if (!can('hits:read')) return;
  const es = new EventSource('/api/hits/stream');
  state.stream = es;
  es.addEventListener('open', () => setLive(true));
  es.addEventListener('error', () => setLive(false));
  es.addEventListener('hit', (ev) => {
    const hit = JSON.parse(ev.data);
    state.pendingHit = hit.hitId;
    $('hit-alert-text').textContent = `HIT ${hit.plate} — ${hit.list}${hit.reason ? `: ${hit.reason}` : ''}`;
    $('hit-alert').hidden = false;
    beep();
    loadHits();
  });
}

$('hit-alert-open').addEventListener('click', () => {
  $('hit-alert').hidden = true;
  openTab('hits');
  if (state.pendingHit) showHit(state.pendingHit);
});

async function loadHits() {
  if (!can('hits:read')) return;
  const { hits } = await api('GET', '/api/hits?limit=50');
  const list = clear($('hit-list'));
  for (const h of hits) {
    list.append(
      el('li', {}, el('button', { type: 'button', class: h.disposition ? '' : 'unhandled', 'data-hit': h.hitId, onclick: () => showHit(h.hitId) },
        el('strong', {}, h.plate), ` ${h.list}`, el('br'), el('small', {}, `${time(h.capturedAt)}${h.disposition ? ` · ${h.disposition}` : ' · not dispositioned'}`))),
    );
  }
}

function facts(pairs) {
  const dl = el('dl', { class: 'facts' });
  for (const [k, v] of pairs) if (v !== null && v !== undefined && v !== '') dl.append(el('dt', {}, k), el('dd', {}, v));
  return dl;
}

function images(crop, frame) {
  return el('div', { class: 'images' },
    crop ? el('figure', {}, el('img', { src: crop, alt: 'Plate crop', id: 'hit-crop' }), el('figcaption', {}, 'Plate as read')) : el('p', { class: 'muted' }, 'No crop stored.'),
    frame ? el('figure', {}, el('img', { src: frame, alt: 'Full frame', id: 'hit-frame' }), el('figcaption', {}, 'Full frame (reduced)')) : el('p', { class: 'muted' }, 'No full frame stored.'));
}

function vehicleText(v) {
  if (!v) return null;
  return [v.year, v.colour, v.make, v.model, v.description].filter((x) => x !== null && x !== undefined && x !== '').join(' ');
}

async function showHit(hitId) {
  const box = clear($('hit-detail'));
  let d;
  try {
    d = await api('GET', `/api/hits/${encodeURIComponent(hitId)}`);
  } catch (err) {
    box.append(el('p', { class: 'error' }, err.message));
    return;
  }
  state.currentHit = hitId;
  const h = d.hit;
  const pos = d.detection.position && d.detection.position.lat !== undefined ? `${d.detection.position.lat.toFixed(5)}, ${d.detection.position.lon.toFixed(5)}` : 'unknown';
  box.append(
    el('div', { class: 'plate', id: 'hit-plate' }, h.plate),
    el('p', { class: 'notice', id: 'hit-notice' }, d.notice),
    images(d.images.crop, d.images.frame),
    facts([
      ['List', h.list],
      ['Reason', h.reason],
      ['Case', h.caseNumber],
      ['Match', `${h.matchRule}${h.matchedText && h.matchedText !== h.plate ? ` (read as ${h.matchedText})` : ''}`],
      ['Entry plate', d.entry.plate ? `${d.entry.plate}${d.entry.state ? ` (${d.entry.state})` : ''}` : null],
      ['Vehicle', vehicleText(d.entry.vehicle)],
      ['List stale', h.stale ? 'YES — the list was out of date when this hit was made' : null],
      ['Seen', time(d.detection.capturedAt)],
      ['Camera', d.detection.cameraId],
      ['Position', pos],
      ['Detection id', d.detection.id],
    ]),
  );
  for (const x of d.dispositions) box.append(el('p', { class: 'muted' }, `Recorded: ${x.outcome}${x.reportNumber ? ` (report ${x.reportNumber})` : ''} by ${x.username} at ${time(x.createdAt)}`));
  if (can('hits:disposition')) box.append(dispositionForm(hitId));
}

function dispositionForm(hitId) {
  const check = el('input', { type: 'checkbox', id: 'verify-check' });
  const report = el('input', { id: 'disp-report', maxlength: 64, placeholder: 'Report number (required for a stop)' });
  const note = el('input', { id: 'disp-note', maxlength: 1000, placeholder: 'Note (optional)' });
  const error = el('p', { class: 'error', role: 'alert', id: 'disp-error' });
  const buttons = [
    ['confirmed', 'Confirmed'],
    ['misread', 'Misread'],
    ['not-located', 'Not located'],
    ['stop-made', 'Stop made'],
  ].map(([outcome, label]) =>
    el('button', { type: 'button', 'data-outcome': outcome, disabled: true, onclick: () => submit(outcome) }, label),
  );
  check.addEventListener('change', () => {
    for (const b of buttons) b.disabled = !check.checked;
  });
  async function submit(outcome) {
    error.textContent = '';
    if (outcome === 'stop-made' && report.value.trim() === '') {
      error.textContent = 'A stop needs its report number.';
      return;
    }
    try {
      await api('POST', `/api/hits/${encodeURIComponent(hitId)}/disposition`, {
        outcome, verified: check.checked, reportNumber: report.value || undefined, note: note.value || undefined,
      });
      await showHit(hitId);
      await loadHits();
    } catch (err) {
      error.textContent = err.message;
    }
  }
  return el('form', { id: 'disposition-form', onsubmit: (e) => e.preventDefault() },
    el('label', { class: 'verify' }, check, 'VERIFY BEFORE ACTION: I compared the plate in the image with the entry (characters and state)'),
    el('div', { class: 'row' }, report, note),
    el('div', { class: 'outcomes' }, ...buttons),
    error);
}

// ---- search
function isoOf(localValue) {
  return localValue ? new Date(localValue).toISOString() : undefined;
}

$('search-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('search-error').textContent = '';
  const body = {
    purpose: $('search-purpose').value,
    caseNumber: $('search-case').value,
    plate: $('search-plate').value || undefined,
    from: isoOf($('search-from').value),
    to: isoOf($('search-to').value),
  };
  if ($('search-lat').value || $('search-lon').value || $('search-radius').value) {
    body.near = { lat: Number($('search-lat').value), lon: Number($('search-lon').value), radiusM: Number($('search-radius').value || 500) };
  }
  const tbody = clear($('search-results').querySelector('tbody'));
  try {
    const { results } = await api('POST', '/api/search', body);
    if (results.length === 0) tbody.append(el('tr', {}, el('td', { colspan: 6 }, 'No reads found.')));
    for (const r of results) {
      tbody.append(el('tr', { 'data-detection': r.id },
        el('td', {}, time(r.capturedAt)), el('td', {}, r.plate), el('td', {}, r.cameraId),
        el('td', {}, r.lat === null ? '' : `${r.lat.toFixed(5)}, ${r.lon.toFixed(5)}`), el('td', {}, r.hits),
        el('td', {}, el('button', { type: 'button', onclick: () => showDetection(r.id) }, 'View'))));
    }
  } catch (err) {
    $('search-error').textContent = err.message;
  }
});

async function showDetection(id) {
  const box = clear($('detection-detail'));
  try {
    const d = await api('GET', `/api/detections/${encodeURIComponent(id)}`);
    box.append(el('div', { class: 'plate' }, d.detection.plate),
      images(can('images:view') && d.detection.cropPath ? `/api/detections/${encodeURIComponent(id)}/crop` : null,
        can('images:view') && d.hasFrame ? `/api/detections/${encodeURIComponent(id)}/frame` : null),
      facts([['Seen', time(d.detection.capturedAt)], ['Camera', d.detection.cameraId], ['Detection id', d.detection.id], ['Hits', String(d.hits.length)]]));
  } catch (err) {
    box.append(el('p', { class: 'error' }, err.message));
  }
}

// ---- hot list
async function loadHotlist() {
  const tbody = clear($('hl-entries').querySelector('tbody'));
  const { entries } = await api('GET', '/api/hotlist/local');
  for (const e of entries) {
    const actions = el('td', {});
    if (e.status === 'pending' && can('hotlist:approve') && e.enteredBy !== state.user.username) {
      actions.append(el('button', { type: 'button', 'data-approve': e.id, onclick: () => hotlistAction(e.id, 'approve') }, 'Approve'));
    }
    if (e.status === 'active' && can('hotlist:enter')) actions.append(el('button', { type: 'button', onclick: () => hotlistAction(e.id, 'renew') }, 'Renew'));
    tbody.append(el('tr', {}, el('td', {}, e.plate), el('td', {}, e.list), el('td', {}, e.caseNumber), el('td', {}, e.enteredBy),
      el('td', {}, e.status), el('td', {}, time(e.expiresAt)), actions));
  }
}

async function hotlistAction(id, action) {
  $('hl-error').textContent = '';
  try {
    await api('POST', `/api/hotlist/local/${encodeURIComponent(id)}/${action}`);
  } catch (err) {
    $('hl-error').textContent = err.message;
  }
  await loadHotlist();
}

$('hotlist-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('hl-error').textContent = '';
  try {
    await api('POST', '/api/hotlist/local', {
      plate: $('hl-plate').value, state: $('hl-state').value || undefined, list: $('hl-list').value,
      caseNumber: $('hl-case').value, reason: $('hl-reason').value,
    });
    $('hl-plate').value = '';
    $('hl-reason').value = '';
  } catch (err) {
    $('hl-error').textContent = err.message;
  }
  await loadHotlist();
});

// ---- holds
async function loadHolds() {
  const tbody = clear($('hold-list').querySelector('tbody'));
  const { holds } = await api('GET', '/api/holds');
  for (const h of holds) {
    const reason = el('input', { placeholder: 'Release reason', maxlength: 1000 });
    const release = el('button', { type: 'button', onclick: async () => {
      $('hold-error').textContent = '';
      try {
        await api('POST', `/api/holds/${encodeURIComponent(h.id)}/release`, { reason: reason.value });
      } catch (err) {
        $('hold-error').textContent = err.message;
      }
      await loadHolds();
    } }, 'Release');
    tbody.append(el('tr', {}, el('td', {}, h.detectionId), el('td', {}, h.caseNumber), el('td', {}, h.heldBy), el('td', {}, time(h.createdAt)),
      el('td', {}, h.reason), el('td', {}, reason, release)));
  }
}

$('hold-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('hold-error').textContent = '';
  try {
    await api('POST', '/api/holds', { detectionId: $('hold-detection').value.trim(), caseNumber: $('hold-case').value, reason: $('hold-reason').value });
  } catch (err) {
    $('hold-error').textContent = err.message;
  }
  await loadHolds();
});

// ---- audit
async function loadAudit() {
  const tbody = clear($('audit-list').querySelector('tbody'));
  const { entries } = await api('GET', '/api/audit?limit=200');
  for (const e of entries) {
    tbody.append(el('tr', { 'data-action': e.action }, el('td', {}, e.seq), el('td', {}, time(e.at)), el('td', {}, e.username), el('td', {}, e.action),
      el('td', {}, e.target || ''), el('td', {}, e.purpose || ''), el('td', {}, e.caseNumber || '')));
  }
}
$('audit-refresh').addEventListener('click', () => loadAudit());

// ---- start: resume a session the cookie still holds
api('GET', '/api/session').then((s) => showApp(s.user, s.csrfToken), () => showLogin(''));
