/* Pages. Navigations go to the network first; the pages the server marks as readable
 * offline (X-Offline-Readable: the patient's latest results, agenda and plan) are kept so
 * they open without a signal; anything else falls back to the offline page. */
const PAGES_CACHE = 'pages';

function respondTo(request) {
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return null;
  if (request.mode === 'navigate') return navigate(request);
  if (url.pathname.startsWith('/static/') || url.pathname.startsWith('/sw/')) {
    return fromShell(request);
  }
  return null;
}

async function navigate(request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.headers.get('X-Offline-Readable') === '1') {
      const cache = await caches.open(PAGES_CACHE);
      await cache.put(request.url, response.clone());
    }
    return response;
  } catch (offline) {
    const cached = await caches.match(request.url, { cacheName: PAGES_CACHE });
    if (cached) return cached;
    return caches.match(self.SHELL.offlinePage, { cacheName: SHELL_CACHE });
  }
}

async function forgetPatientData() {
  await caches.delete(PAGES_CACHE);
  if (typeof clearOfflineQueue === 'function') await clearOfflineQueue();
}
