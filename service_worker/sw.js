/* The service worker: wires events to the small modules beside it.
 * The server prepends `self.SHELL` (version, precache list, module URLs); see
 * webapp/shell/service_worker.py. Modules are classic scripts loaded with importScripts so
 * the worker runs in every browser that has service workers. */
importScripts(...self.SHELL.modules);

self.addEventListener('install', (event) => {
  event.waitUntil(precacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(dropOldShells().then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const response = respondTo(event.request);
  if (response) event.respondWith(response);
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'signed-out') {
    event.waitUntil(forgetPatientData());
  }
  if (event.data && event.data.type === 'sync-progress') {
    event.waitUntil(syncProgressQueue());
  }
});

// Background Sync: the browser wakes the worker when the connection is back.
self.addEventListener('sync', (event) => {
  if (event.tag === 'progress') event.waitUntil(syncProgressQueue());
});

self.addEventListener('push', (event) => {
  event.waitUntil(showReminder(event));
});

self.addEventListener('notificationclick', (event) => {
  event.waitUntil(handleNotificationAction(event.notification.data, event.action));
});

self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(resubscribe(event));
});

self.addEventListener('sync', (event) => {
  if (event.tag === SNOOZE_SYNC_TAG) event.waitUntil(replaySnoozes());
});
