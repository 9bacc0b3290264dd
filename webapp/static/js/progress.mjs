/* One-tap logging that also works with no signal.
 *
 * Without JavaScript the buttons post a form. With it, each tap becomes an entry with an id
 * made here, put in the device's queue (service_worker/offline-queue.js) and sent at once
 * when there is a connection, or later: when the page sees the connection come back, or
 * when the service worker is woken by Background Sync. The patient sees what is waiting. */

const queue = globalThis;

function patientZone() {
  return document.querySelector('[data-time-zone]')?.dataset.timeZone || 'Europe/London';
}

/* Today's date in the patient's own time zone, as YYYY-MM-DD. */
function todayInZone(zone) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
  }).formatToParts(new Date());
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

const STATUS_WORDS = { done: 'Done', partly: 'Partly', not_today: 'Not today' };

async function showPending(patientId) {
  const box = document.querySelector('[data-pending]');
  if (!box) return;
  const items = await queue.pendingProgress(patientId);
  const list = box.querySelector('[data-pending-list]');
  list.replaceChildren(...items.map((item) => {
    const li = document.createElement('li');
    const what = document.querySelector(`[data-log-form][data-action-id="${item.entry.action_id}"]`)
      ?.dataset.actionWhat || 'An action';
    li.textContent = `${what}: ${STATUS_WORDS[item.entry.status]}`
      + (item.refused ? ` (not saved: ${item.refused})` : ' (waiting to send)');
    li.dataset.pendingEntry = item.id;
    return li;
  }));
  box.hidden = items.length === 0;
}

async function sync(patientId) {
  const outcome = await queue.syncProgressQueue();
  await showPending(patientId);
  return outcome;
}

function askWorkerToSyncLater() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.ready.then((registration) => {
    if (registration.sync) return registration.sync.register('progress');
    return undefined;
  }).catch(() => { /* the page's own 'online' listener still sends it */ });
}

function announce(form, message) {
  let status = form.querySelector('[data-log-status]');
  if (!status) {
    status = document.createElement('p');
    status.className = 'nhsuk-body-s app-log-status';
    status.setAttribute('role', 'status');
    status.dataset.logStatus = '';
    form.append(status);
  }
  status.textContent = message;
}

function enhance(form, patientId) {
  form.addEventListener('submit', async (event) => {
    const status = event.submitter?.value;
    if (!status) return;
    event.preventDefault();
    const entry = {
      id: crypto.randomUUID(),
      action_id: Number(form.dataset.actionId),
      local_date: todayInZone(patientZone()),
      status,
      amount: null,
      note: '',
      reason: null,
      source: navigator.onLine ? 'web' : 'offline',
    };
    await queue.enqueueProgress(entry, patientId);
    const outcome = await sync(patientId);
    if (outcome.sent > 0 && outcome.waiting === 0) {
      window.location.reload();
      return;
    }
    announce(form, `${STATUS_WORDS[status]}: saved on this phone. It will be sent when you are back online.`);
    askWorkerToSyncLater();
  });
}

async function start() {
  const section = document.querySelector('[data-patient-id]');
  const token = document.querySelector('meta[name="csrf-token"]')?.content;
  if (!section || !token || !('indexedDB' in window) || !queue.enqueueProgress) return;
  const patientId = Number(section.dataset.patientId);
  await queue.rememberSession(patientId, token);
  document.body.dataset.queueReady = 'true';
  for (const form of document.querySelectorAll('[data-log-form]')) enhance(form, patientId);
  window.addEventListener('online', () => sync(patientId));
  if (navigator.onLine) await sync(patientId);
  else await showPending(patientId);
}

start();
