/* Progress entries made on this device and not yet stored by the server.
 *
 * A classic script shared by the service worker (importScripts) and patient pages
 * (<script src="/sw/offline-queue.js">), so both use one queue in IndexedDB. Every entry
 * carries an id made on the device; the server stores each id once, so sending an entry
 * twice (two tabs, the worker and the page, a lost response) is harmless.
 *
 * What happens to an entry on each answer:
 *   200            stored (now or before): removed from the queue
 *   401, 400, 403  signed out, or the page's token is stale: kept, and we stop until the
 *                  same patient signs in again and a page hands us a fresh token
 *   404, 422       refused for good (the action left the plan, a bad value): kept, marked
 *                  with the server's reason, so the patient sees it and nothing is lost
 *   5xx, offline   kept, tried again later
 */
(function (scope) {
  const DB_NAME = 'careplan-device';
  const QUEUE = 'progress-queue';
  const META = 'meta';

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = scope.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(QUEUE, { keyPath: 'id' });
        request.result.createObjectStore(META);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function withStore(name, mode, work) {
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        const transaction = db.transaction(name, mode);
        const result = work(transaction.objectStore(name));
        transaction.oncomplete = () => resolve(result && 'result' in result ? result.result : result);
        transaction.onerror = () => reject(transaction.error);
        transaction.onabort = () => reject(transaction.error);
      });
    } finally {
      db.close();
    }
  }

  async function enqueueProgress(entry, patientId) {
    const owner = patientId ?? (await readMeta('patientId'));
    await withStore(QUEUE, 'readwrite', (store) => store.put({
      id: entry.id, entry, patientId: owner, queuedAt: Date.now(), refused: null,
    }));
  }

  async function pendingProgress(patientId) {
    const all = await withStore(QUEUE, 'readonly', (store) => store.getAll());
    return all.filter((item) => patientId == null || item.patientId === patientId)
      .sort((a, b) => a.queuedAt - b.queuedAt);
  }

  async function discardProgress(id) {
    await withStore(QUEUE, 'readwrite', (store) => store.delete(id));
  }

  function readMeta(key) {
    return withStore(META, 'readonly', (store) => store.get(key));
  }

  /* Pages call this on every load: the worker needs the signed-in patient and the
   * session's CSRF token to send entries when no page is open. */
  async function rememberSession(patientId, csrfToken) {
    await withStore(META, 'readwrite', (store) => {
      store.put(patientId, 'patientId');
      store.put(csrfToken, 'csrfToken');
    });
  }

  async function clearOfflineQueue() {
    await withStore(QUEUE, 'readwrite', (store) => store.clear());
    await withStore(META, 'readwrite', (store) => store.clear());
  }

  let previous = Promise.resolve();

  /* Send what is waiting for the signed-in patient. Runs one at a time in this context,
   * each after the one before, so an entry queued while a run is under way is still sent
   * by the run its caller waits for. */
  function syncProgressQueue() {
    const run = previous.then(send, send);
    previous = run.catch(() => undefined);
    return run;
  }

  async function send() {
    const patientId = await readMeta('patientId');
    const csrfToken = await readMeta('csrfToken');
    const outcome = { sent: 0, waiting: 0, refused: 0, stopped: null };
    if (patientId == null || !csrfToken) return outcome;
    const items = (await pendingProgress(patientId)).filter((item) => !item.refused);
    for (const item of items) {
      let response;
      try {
        response = await fetch('/progress/entries', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json',
                     'X-CSRFToken': csrfToken },
          body: JSON.stringify(item.entry),
        });
      } catch (offline) {
        outcome.stopped = 'offline';
        break;
      }
      if (response.ok) {
        await discardProgress(item.id);
        outcome.sent += 1;
      } else if (response.status === 404 || response.status === 422) {
        const answer = await response.json().catch(() => ({}));
        item.refused = answer.error || 'This entry could not be saved';
        await withStore(QUEUE, 'readwrite', (store) => store.put(item));
        outcome.refused += 1;
      } else {
        outcome.stopped = response.status >= 500 ? 'server' : 'signed-out';
        break;
      }
    }
    outcome.waiting = (await pendingProgress(patientId)).filter((i) => !i.refused).length;
    return outcome;
  }

  Object.assign(scope, {
    enqueueProgress, pendingProgress, discardProgress, rememberSession,
    clearOfflineQueue, syncProgressQueue,
  });
})(self);
