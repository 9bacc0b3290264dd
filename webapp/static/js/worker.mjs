/* Service worker registration, and telling it to forget patient pages on sign-out. */

export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
    /* The service works without the worker; it only adds offline reading. */
  });
}

export function forgetOnSignOut() {
  if (!document.querySelector('meta[name="signed-out"]')) return;
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.ready.then((registration) => {
    registration.active?.postMessage({ type: 'signed-out' });
  });
}
