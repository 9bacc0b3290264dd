/* The shell: styles, scripts, icons and the offline page, cached at install so every
 * page renders offline. One cache per shell version; older ones are dropped. */
const SHELL_CACHE = `shell-${self.SHELL.version}`;

async function precacheShell() {
  const cache = await caches.open(SHELL_CACHE);
  // credentials: 'omit' keeps the cached offline page free of anyone's session.
  await cache.addAll(self.SHELL.assets.map((url) => new Request(url, { credentials: 'omit' })));
}

async function dropOldShells() {
  const names = await caches.keys();
  await Promise.all(
    names.filter((name) => name.startsWith('shell-') && name !== SHELL_CACHE)
      .map((name) => caches.delete(name)),
  );
}

async function fromShell(request) {
  const cached = await caches.match(request, { cacheName: SHELL_CACHE, ignoreSearch: true });
  return cached || fetch(request);
}
