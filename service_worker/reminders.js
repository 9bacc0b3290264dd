/* Reminders: show every push as a notification, and act on its buttons.
 *
 * A push must always show a notification (browsers penalise a push that shows none), even
 * if its payload cannot be read. Text only ever goes into showNotification, which displays
 * plain text: nothing here is interpreted as HTML. "Done" logs the day with the reminder's
 * own id, which needs no session; offline it falls back to the progress queue
 * (offline-queue.js: enqueueProgress, syncProgressQueue), the same idempotent path as
 * logging on the page. "Snooze" asks the server to bring the reminder back in an hour, or
 * queues the request offline. */
const REMINDER_TITLE = 'Care plan reminder';
const REMINDER_BODY = 'You have a reminder from your care plan';
const REMINDER_ICON = '/static/icons/icon-192.png';
const SNOOZE_DB = 'reminders';
const SNOOZE_STORE = 'snoozes';
const SNOOZE_SYNC_TAG = 'reminder-snoozes';

function plainText(value, fallback, limit) {
  const text = typeof value === 'string' ? value.trim() : '';
  return (text || fallback).slice(0, limit);
}

function readPayload(event) {
  try {
    const data = event.data ? event.data.json() : {};
    return data && typeof data === 'object' ? data : {};
  } catch (unreadable) {
    return {};
  }
}

async function showReminder(event) {
  const data = readPayload(event);
  const isReminder = Number.isInteger(data.action) && typeof data.id === 'string';
  const tag = plainText(data.tag, 'care-plan-reminder', 64);
  await self.registration.showNotification(plainText(data.title, REMINDER_TITLE, 60), {
    body: plainText(data.body, REMINDER_BODY, 160),
    icon: REMINDER_ICON,
    tag,
    renotify: true,
    data: {
      tag,
      id: isReminder ? data.id : null,
      action: isReminder ? data.action : null,
      date: typeof data.date === 'string' ? data.date : null,
      entry: typeof data.entry === 'string' ? data.entry : null,
      url: typeof data.url === 'string' && data.url.startsWith('/') ? data.url : '/reminders',
    },
    actions: isReminder
      ? [{ action: 'done', title: 'Done' }, { action: 'snooze', title: 'Snooze 1 hour' }]
      : [],
  });
  // Tell open pages (and tests) the notification is up: reading it sooner can race.
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  windows.forEach((client) => client.postMessage({ type: 'reminder-shown', tag }));
  await replaySnoozes();
}

async function handleNotificationAction(data, action) {
  if (data && data.tag) {
    const shown = await self.registration.getNotifications({ tag: data.tag });
    shown.forEach((notification) => notification.close());
  }
  if (action === 'done' && data && data.action) return recordDone(data);
  if (action === 'snooze' && data && data.id) return snooze(data.id);
  return openPage((data && data.url) || '/');
}

async function recordDone(data) {
  // Straight to the server with the reminder's own id, which needs no session: Done is
  // usually pressed long after the page's session has ended. Offline, or if the server
  // refuses, the offline queue takes it (sent with the next session). The entry id is the
  // reminder's own either way, so Done pressed on two devices, or by both paths, logs the
  // day once.
  if (data.id) {
    try {
      const response = await fetch(`/reminders/occurrences/${encodeURIComponent(data.id)}/done`, {
        method: 'POST', credentials: 'omit', headers: { Accept: 'application/json' },
      });
      if (response.ok) return;
    } catch (offline) {
      /* queued below */
    }
  }
  await enqueueProgress({
    id: data.entry, action_id: data.action, local_date: data.date, status: 'done',
    amount: null, note: '', reason: null, source: 'notification',
  });
  await syncProgressQueue();
}

async function openPage(url) {
  const target = new URL(url, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => client.url === target);
  if (open) return open.focus();
  return self.clients.openWindow(target);
}

/* Snooze -------------------------------------------------------------------------------- */

function snoozeDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(SNOOZE_DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(SNOOZE_STORE,
      { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function snoozeStore(mode, work) {
  const db = await snoozeDb();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(SNOOZE_STORE, mode);
      const result = work(transaction.objectStore(SNOOZE_STORE));
      transaction.oncomplete = () => resolve(result && 'result' in result ? result.result : undefined);
      transaction.onerror = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

async function sendSnooze(id) {
  const response = await fetch(`/reminders/occurrences/${encodeURIComponent(id)}/snooze`, {
    method: 'POST', credentials: 'omit', headers: { Accept: 'application/json' },
  });
  // 404/409: the reminder is gone or too old; nothing to keep trying.
  return response.ok || response.status === 404 || response.status === 409;
}

async function snooze(id) {
  try {
    if (await sendSnooze(id)) return;
  } catch (offline) {
    /* queued below */
  }
  await snoozeStore('readwrite', (store) => store.put({ id, at: Date.now() }));
  if (self.registration.sync) {
    await self.registration.sync.register(SNOOZE_SYNC_TAG).catch(() => {});
  }
}

async function replaySnoozes() {
  let queued = [];
  try {
    queued = await snoozeStore('readonly', (store) => store.getAll());
  } catch (noDatabase) {
    return;
  }
  for (const item of queued || []) {
    try {
      if (await sendSnooze(item.id)) {
        await snoozeStore('readwrite', (store) => store.delete(item.id));
      }
    } catch (stillOffline) {
      return;
    }
  }
}

async function resubscribe(event) {
  // The browser replaced the subscription; make a new one with the same key. The next page
  // the patient opens tells the server (push.mjs), since only a page has a CSRF token.
  const options = event.oldSubscription && event.oldSubscription.options;
  if (!options) return;
  await self.registration.pushManager.subscribe(options);
}
