// The live dashboard of one mqttlb node. Every figure comes from the node's admin API: status and
// ring are read every POLL_MILLIS and at once after each event of the event stream; the table and
// route explain answer on demand. Every change goes through a confirmation step first.

import { ApiError, Unauthorized, call, followEvents, forgetToken, hasToken, segment, setToken } from './api.js';
import { drawRing, sparkline, swatch } from './draw.js';

const POLL_MILLIS = 2000;
/** How far back the connect-rate lines reach. */
const HISTORY_MILLIS = 5 * 60 * 1000;
const TABLE_PAGE = 25;
const EVENTS_SHOWN = 200;

const $ = (selector) => document.querySelector(selector);

/** An element with attributes and children (strings become text: nothing from the node is parsed as markup). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

const page = {
  status: null,
  connectSamples: new Map(), // broker id → [{t, total}], oldest first
  moveSample: null, // {id, done, t} of the previous reading
  moveRate: null,
  tablePages: [null], // the "after" key of each page visited; null for the first
  tablePrefix: '',
  pollTimer: null,
  refreshSoon: null,
  stopEvents: null,
};

// ---- token ----

function askToken(message) {
  stopLive();
  document.body.dataset.state = 'token';
  const error = $('#token-error');
  error.hidden = !message;
  error.textContent = message ?? '';
  $('#token-input').value = '';
  if (!$('#token-dialog').open) {
    $('#token-dialog').showModal();
  }
  $('#token-input').focus();
}

async function submitToken(event) {
  event.preventDefault();
  setToken($('#token-input').value);
  try {
    await refresh();
  } catch (e) {
    if (e instanceof Unauthorized) {
      forgetToken();
      askToken(`The node refused this token: ${e.message}`);
      return;
    }
    throw e;
  }
  $('#token-dialog').close();
  startLive();
}

// ---- live updates ----

function startLive() {
  document.body.dataset.state = 'live';
  $('#forget-token').hidden = !hasToken();
  clearInterval(page.pollTimer);
  page.pollTimer = setInterval(() => refreshQuietly(), POLL_MILLIS);
  page.stopEvents?.();
  page.stopEvents = followEvents({
    onEvent: (event) => {
      showEvent(event);
      clearTimeout(page.refreshSoon);
      page.refreshSoon = setTimeout(() => refreshQuietly(), 100);
    },
    onState: (state) => {
      $('#live').dataset.live = state;
      $('#live').textContent = state === 'live' ? 'events: live' : 'events: reconnecting…';
    },
    onUnauthorized: () => askToken('The node refused the token.'),
  });
  loadTable();
}

function stopLive() {
  clearInterval(page.pollTimer);
  page.pollTimer = null;
  page.stopEvents?.();
  page.stopEvents = null;
  $('#live').dataset.live = 'off';
  $('#live').textContent = 'events: off';
}

async function refreshQuietly() {
  try {
    await refresh();
    showProblem(null);
  } catch (e) {
    if (e instanceof Unauthorized) {
      askToken('The node refused the token.');
    } else {
      showProblem(`Cannot read the node's state: ${e.message}`);
    }
  }
}

async function refresh() {
  const [status, ring] = await Promise.all([call('GET', '/api/v1/status'), call('GET', '/api/v1/ring')]);
  const now = Date.now();
  page.status = status;
  renderTier(status);
  renderBrokers(status.brokers, now);
  renderRing(ring);
  renderMoves(status.moves, now);
  $('#updated').textContent = `updated ${new Date(now).toLocaleTimeString()}`;
}

// ---- rendering ----

function renderTier(status) {
  $('#node').textContent = status.node;
  $('#tier-members').replaceChildren(...status.members.map((m) => el('span', { class: 'chip', 'data-member': m }, m)));
  $('#tier-members').dataset.count = String(status.members.length);
  $('#tier-mode').textContent = status.mode;
  $('#tier-mode').dataset.mode = status.mode;
  const other = status.mode === 'hash' ? 'table' : 'hash';
  $('#mode-switch').textContent = `Switch to ${other}…`;
  $('#mode-switch').dataset.target = other;
  $('#tier-epoch').textContent = String(status.epoch);
  $('#tier-clients').textContent = String(status.clients);
  $('#tier-table').textContent = `${status.table.size} entries (${status.table.overrides} overrides, ${status.table.sticky} sticky)`;
}

/** Connects per second of each broker from this node's counter, and the line of the last minutes. */
function connectRates(broker, now) {
  const samples = page.connectSamples.get(broker.id) ?? [];
  samples.push({ t: now, total: broker.connectionsTotal ?? 0 });
  while (samples.length > 2 && now - samples[0].t > HISTORY_MILLIS) {
    samples.shift();
  }
  page.connectSamples.set(broker.id, samples);
  const rates = [];
  for (let i = 1; i < samples.length; i++) {
    const seconds = (samples[i].t - samples[i - 1].t) / 1000;
    rates.push(seconds > 0 ? Math.max(0, samples[i].total - samples[i - 1].total) / seconds : 0);
  }
  return rates;
}

function renderBrokers(brokers, now) {
  const known = new Set(brokers.map((b) => b.id));
  for (const id of page.connectSamples.keys()) {
    if (!known.has(id)) {
      page.connectSamples.delete(id);
    }
  }
  const rows = brokers.map((broker) => {
    const rates = connectRates(broker, now);
    const rate = rates.length ? rates[rates.length - 1] : null;
    const health = broker.healthy ? 'up' : 'down';
    const since = broker.since ? ` since ${new Date(broker.since).toLocaleTimeString()}` : '';
    return el('tr', { 'data-broker': broker.id, 'data-healthy': String(broker.healthy), 'data-drained': String(broker.drained) },
      el('td', {}, broker.id),
      el('td', {}, broker.address),
      el('td', { class: `health ${health}`, title: `the tier's verdict${since}` }, health),
      el('td', { class: 'seen-down-by' }, broker.seenDownBy.join(', ')),
      el('td', { class: 'num' }, String(broker.connections)),
      el('td', { class: 'num connect-rate' }, rate === null ? '–' : rate.toFixed(1)),
      el('td', {}, sparkline(rates)),
      el('td', { class: 'num' }, String(broker.weight)),
      el('td', {}, broker.drained ? 'drained' : 'serving'),
      el('td', { class: 'actions' },
        broker.drained
          ? el('button', { type: 'button', 'data-action': 'enable', 'data-broker': broker.id }, 'Enable…')
          : el('button', { type: 'button', 'data-action': 'drain', 'data-broker': broker.id }, 'Drain…'),
        el('button', { type: 'button', 'data-action': 'weight', 'data-broker': broker.id }, 'Weight…'),
        el('button', { type: 'button', 'data-action': 'remove', 'data-broker': broker.id }, 'Remove…')));
  });
  $('#brokers tbody').replaceChildren(...rows);
  const select = $('#override-form select');
  const chosen = select.value;
  select.replaceChildren(...brokers.map((b) => el('option', { value: b.id }, b.id)));
  if (known.has(chosen)) {
    select.value = chosen;
  }
}

function renderRing(ring) {
  drawRing($('#ring'), ring.brokers);
  const percent = (share) => `${(share * 100).toFixed(1)} %`;
  $('#ring-legend tbody').replaceChildren(...ring.brokers.map((b, index) => el('tr', { 'data-broker': b.id, 'data-share': b.share },
    el('td', {}, swatch(index)),
    el('td', {}, b.id),
    el('td', { class: 'num' }, percent(b.share)),
    el('td', { class: 'num' }, percent(b.serving)),
    el('td', { class: 'num' }, String(b.points)))));
  $('#ring').setAttribute('aria-label', ring.brokers.map((b) => `${b.id} ${percent(b.share)}`).join(', '));
}

function renderMoves(moves, now) {
  const box = $('#moves');
  if (!moves) {
    box.replaceChildren(el('p', { class: 'muted' }, 'No drain or rebalance has run.'));
    return;
  }
  const previous = page.moveSample;
  if (previous && previous.id === moves.id && now > previous.t) {
    page.moveRate = Math.max(0, moves.done - previous.done) / ((now - previous.t) / 1000);
  } else if (!previous || previous.id !== moves.id) {
    page.moveRate = null;
  }
  page.moveSample = { id: moves.id, done: moves.done, t: now };
  const total = moves.done + moves.remaining;
  const progress = el('progress', { max: Math.max(total, 1), value: moves.done });
  const measured = moves.state === 'running' && page.moveRate !== null ? `, now ${page.moveRate.toFixed(1)}/s` : '';
  box.replaceChildren(
    el('p', { 'data-move': moves.id, 'data-state': moves.state },
      el('strong', {}, `${moves.kind}${moves.broker ? ` of ${moves.broker}` : ''}: ${moves.state}`),
      `; ${moves.done} moved, ${moves.remaining} remaining, asked ${moves.rate}/s${measured}`),
    progress,
    el('ul', {}, ...Object.entries(moves.nodes ?? {}).map(([node, part]) =>
      el('li', {}, `${node}: ${part.done} moved, ${part.remaining} remaining (${part.state})`))));
}

function showEvent(event) {
  const list = $('#events');
  const time = new Date(event.at).toLocaleTimeString();
  list.prepend(el('li', { 'data-type': event.type, 'data-seq': event.seq, 'data-broker': event.broker ?? null },
    el('time', { datetime: event.at }, time), ' ', el('span', { class: `type ${event.type}` }, event.type), ' ', event.text));
  while (list.children.length > EVENTS_SHOWN) {
    list.lastElementChild.remove();
  }
}

function showProblem(message) {
  $('#problem').hidden = !message;
  $('#problem').textContent = message ?? '';
}

// ---- table and route explain ----

async function loadTable() {
  const after = page.tablePages[page.tablePages.length - 1];
  const query = new URLSearchParams({ limit: String(TABLE_PAGE + 1) });
  if (page.tablePrefix) {
    query.set('prefix', page.tablePrefix);
  }
  if (after !== null) {
    query.set('after', after);
  }
  try {
    const answer = await call('GET', `/api/v1/table?${query}`);
    const entries = answer.entries.slice(0, TABLE_PAGE);
    $('#table-rows tbody').replaceChildren(...entries.map((entry) => el('tr', { 'data-key': entry.key },
      el('td', {}, entry.key), el('td', {}, entry.broker), el('td', {}, entry.kind),
      el('td', {}, entry.expiresAt ? new Date(entry.expiresAt).toLocaleString() : 'never'),
      el('td', {}, el('button', { type: 'button', 'data-action': 'delete-entry', 'data-key': entry.key }, 'Delete…')))));
    $('#table-next').disabled = answer.entries.length <= TABLE_PAGE;
    $('#table-next').dataset.after = entries.length ? entries[entries.length - 1].key : '';
    $('#table-prev').disabled = page.tablePages.length <= 1;
    $('#table-info').textContent = `page ${page.tablePages.length}; ${answer.size} entries in the table`;
  } catch (e) {
    report(e);
  }
}

async function explainRoute(event) {
  event.preventDefault();
  const form = event.target;
  const query = new URLSearchParams();
  for (const name of ['clientId', 'username']) {
    if (form.elements[name].value) {
      query.set(name, form.elements[name].value);
    }
  }
  const answer = $('#route-answer');
  try {
    const route = await call('GET', `/api/v1/route?${query}`);
    answer.className = '';
    answer.dataset.broker = route.broker;
    answer.replaceChildren(el('strong', {}, route.broker), ` (${route.address}), decided by ${route.source}, key `,
      el('code', {}, route.key), ` (${route.keySource}), routing epoch ${route.epoch}`);
  } catch (e) {
    answer.className = 'problem';
    delete answer.dataset.broker;
    answer.textContent = e.message;
    if (e instanceof Unauthorized) {
      askToken('The node refused the token.');
    }
  }
}

// ---- operations: each asks for confirmation first ----

/**
 * Shows the confirmation dialog; resolves to the field's value (or true without a field) once
 * confirmed, null when cancelled.
 */
function confirmStep(text, field) {
  const dialog = $('#confirm-dialog');
  $('#confirm-text').textContent = text;
  $('#confirm-field').hidden = !field;
  const input = $('#confirm-input');
  if (field) {
    $('#confirm-label').textContent = field.label;
    input.type = field.type ?? 'text';
    input.value = field.value ?? '';
    input.required = true;
  } else {
    input.required = false;
  }
  return new Promise((resolve) => {
    const finish = (value) => {
      dialog.removeEventListener('close', onClose);
      $('#confirm-form').removeEventListener('submit', onSubmit);
      $('#confirm-no').removeEventListener('click', onCancel);
      if (dialog.open) {
        dialog.close();
      }
      resolve(value);
    };
    const onSubmit = (event) => {
      event.preventDefault();
      finish(field ? input.value : true);
    };
    const onCancel = () => finish(null);
    // The browser fires a dialog's close event later, as a task of its own: the close of the previous
    // confirmation can arrive after this one opened. Only a close that left the dialog closed cancels.
    const onClose = () => {
      if (!dialog.open) {
        finish(null);
      }
    };
    $('#confirm-form').addEventListener('submit', onSubmit);
    $('#confirm-no').addEventListener('click', onCancel);
    dialog.addEventListener('close', onClose);
    dialog.showModal();
  });
}

/**
 * Runs a change, then reads the state again; resolves to whether the node took it. The node's
 * refusal stays shown (the periodic reads do not clear it) until the next change.
 */
async function operate(work) {
  showOutcome(null);
  let done = false;
  try {
    await work();
    done = true;
  } catch (e) {
    report(e);
  }
  await refreshQuietly();
  return done;
}

/** Shows why a change or a lookup failed; a refused token asks for it again. */
function report(e) {
  if (e instanceof Unauthorized) {
    askToken('The node refused the token.');
  } else if (e instanceof ApiError) {
    showOutcome(`The node refused: ${e.message} (HTTP ${e.status})`);
  } else {
    showOutcome(`Failed: ${e.message}`);
  }
}

function showOutcome(message) {
  $('#outcome').hidden = !message;
  $('#outcome').textContent = message ?? '';
}

function brokerById(id) {
  return page.status?.brokers.find((b) => b.id === id);
}

async function onBrokerAction(button) {
  const id = button.dataset.broker;
  const broker = brokerById(id);
  switch (button.dataset.action) {
    case 'drain': {
      const rate = await confirmStep(`Drain ${id}? It takes no new clients, and its clients on every node are `
        + 'disconnected so that they reconnect elsewhere.', { label: 'clients per second', type: 'number', value: '50' });
      if (rate !== null) {
        await operate(() => call('POST', `/api/v1/brokers/${segment(id)}/drain`, { rate: Number(rate) }));
      }
      break;
    }
    case 'enable':
      if (await confirmStep(`Enable ${id}? It takes new clients again.`)) {
        await operate(() => call('POST', `/api/v1/brokers/${segment(id)}/enable`));
      }
      break;
    case 'weight': {
      const weight = await confirmStep(`Change the weight of ${id}? Keys move to or from it across the tier.`,
        { label: 'weight', type: 'number', value: String(broker?.weight ?? 1) });
      if (weight !== null && broker) {
        await operate(() => call('PUT', `/api/v1/brokers/${segment(id)}`, { address: broker.address, weight: Number(weight) }));
      }
      break;
    }
    case 'remove':
      if (await confirmStep(`Remove ${id} from the tier? Its keys go to the other brokers.`)) {
        await operate(() => call('DELETE', `/api/v1/brokers/${segment(id)}`));
      }
      break;
    default:
  }
}

async function onAddBroker(event) {
  event.preventDefault();
  const form = event.target;
  const id = form.elements.id.value.trim();
  const address = form.elements.address.value.trim();
  const weight = Number(form.elements.weight.value);
  const verb = brokerById(id) ? 'Change' : 'Add';
  if (await confirmStep(`${verb} broker ${id} at ${address} with weight ${weight}, for the whole tier?`)) {
    if (await operate(() => call('PUT', `/api/v1/brokers/${segment(id)}`, { address, weight }))) {
      form.reset();
    }
  }
}

async function onModeSwitch() {
  const target = $('#mode-switch').dataset.target;
  if (await confirmStep(`Switch the tier's routing mode to ${target}? Clients that connect from now on are routed `
    + `${target === 'table' ? 'by override, then sticky entry, then ring' : 'by the ring alone'}.`)) {
    await operate(() => call('PUT', '/api/v1/mode', { mode: target }));
  }
}

async function onRebalance(event) {
  event.preventDefault();
  const rate = Number(event.target.elements.rate.value);
  if (await confirmStep(`Rebalance at ${rate} clients/s? Clients whose broker is not the one routing picks now are `
    + 'disconnected so that they reconnect there.')) {
    await operate(() => call('POST', '/api/v1/rebalance', { rate }));
  }
}

async function onOverride(event) {
  event.preventDefault();
  const form = event.target;
  const key = form.elements.key.value;
  const body = { broker: form.elements.broker.value };
  if (form.elements.ttl.value.trim()) {
    body.ttl = form.elements.ttl.value.trim();
  }
  if (await confirmStep(`Send key ${key} to ${body.broker}${body.ttl ? ` for ${body.ttl}` : ''}, on every node (in table mode)?`)) {
    if (await operate(() => call('PUT', `/api/v1/table/${segment(key)}`, body))) {
      form.elements.key.value = '';
      form.elements.ttl.value = '';
    }
    await loadTable();
  }
}

async function onDeleteEntry(key) {
  if (await confirmStep(`Delete the table entries (override and sticky) of ${key}?`)) {
    await operate(() => call('DELETE', `/api/v1/table/${segment(key)}`));
    await loadTable();
  }
}

// ---- wiring ----

function wire() {
  $('#token-form').addEventListener('submit', (event) => submitToken(event).catch(report));
  $('#token-dialog').addEventListener('cancel', (event) => event.preventDefault()); // no page without the token
  $('#forget-token').addEventListener('click', () => {
    forgetToken();
    askToken(null);
  });
  $('#mode-switch').addEventListener('click', () => onModeSwitch());
  $('#brokers tbody').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (button) {
      onBrokerAction(button);
    }
  });
  $('#add-broker').addEventListener('submit', onAddBroker);
  $('#rebalance-form').addEventListener('submit', onRebalance);
  $('#override-form').addEventListener('submit', onOverride);
  $('#route-form').addEventListener('submit', explainRoute);
  $('#table-form').addEventListener('submit', (event) => {
    event.preventDefault();
    page.tablePrefix = event.target.elements.prefix.value;
    page.tablePages = [null];
    loadTable();
  });
  $('#table-next').addEventListener('click', () => {
    page.tablePages.push($('#table-next').dataset.after);
    loadTable();
  });
  $('#table-prev').addEventListener('click', () => {
    if (page.tablePages.length > 1) {
      page.tablePages.pop();
      loadTable();
    }
  });
  $('#table-rows tbody').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action="delete-entry"]');
    if (button) {
      onDeleteEntry(button.dataset.key);
    }
  });
}

async function start() {
  wire();
  try {
    await refresh();
  } catch (e) {
    if (e instanceof Unauthorized) {
      askToken(hasToken() ? 'The node refused the token.' : null);
      return;
    }
    showProblem(`Cannot read the node's state: ${e.message}`);
  }
  startLive();
}

start();
