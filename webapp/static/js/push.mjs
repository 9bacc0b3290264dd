/* Web Push on this device: subscribing, telling the server, and re-checking on every page.
 *
 * The server's VAPID public key and the signed-in patient's id come from
 * <meta name="push-public-key" data-user="...">, which only patients' pages carry.
 * A browser may renew a subscription at any time (new endpoint, new keys); every page load
 * compares what the browser has with what this browser last told the server, and sends the
 * new one (naming the one it replaces) when they differ. */

const REGISTERED = 'care-plan-push-registered';

function meta() {
  return document.querySelector('meta[name="push-public-key"]');
}

export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || '';
}

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function sameKey(buffer, base64url) {
  if (!buffer) return true; // the browser does not say: assume it was ours
  const a = new Uint8Array(buffer);
  const b = keyBytes(base64url);
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

export function isIosWithoutHomeScreen() {
  const ios = /iPhone|iPad|iPod/.test(navigator.userAgent)
    || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
  const installed = navigator.standalone === true
    || window.matchMedia('(display-mode: standalone)').matches;
  return ios && !installed;
}

export function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

function remembered() {
  try {
    return JSON.parse(localStorage.getItem(REGISTERED) || 'null');
  } catch (broken) {
    return null;
  }
}

function remember(user, json) {
  localStorage.setItem(REGISTERED, JSON.stringify({
    user, endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth,
  }));
}

export function forgetRegistration() {
  localStorage.removeItem(REGISTERED);
}

/* POST the subscription to the server. Resolves to {ok, status, body}. */
export async function registerSubscription(subscription, replaces = null) {
  const json = subscription.toJSON();
  const body = replaces ? { ...json, replaces } : json;
  const response = await fetch('/reminders/subscriptions', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json',
               'X-CSRFToken': csrfToken() },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (response.ok) remember(meta()?.dataset.user, json);
  return { ok: response.ok, status: response.status, body: answer };
}

/* Ask for permission (when needed), subscribe this browser and tell the server. */
export async function subscribeThisDevice() {
  const key = meta()?.content;
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return { ok: false, status: 0, body: { permission } };
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true, applicationServerKey: keyBytes(key),
  });
  return registerSubscription(subscription);
}

export async function currentSubscription() {
  if (!pushSupported()) return null;
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager.getSubscription();
}

/* Every page: keep the server's record of this device up to date. Only a browser this
 * same patient turned reminders on in is re-registered: someone else's subscription on a
 * shared computer is never moved to them without asking. */
export async function recheckSubscription() {
  const tag = meta();
  if (!tag || !pushSupported() || Notification.permission !== 'granted') return;
  const last = remembered();
  if (!last || last.user !== tag.dataset.user) return;
  try {
    const registration = await navigator.serviceWorker.ready;
    let subscription = await registration.pushManager.getSubscription();
    if (subscription && !sameKey(subscription.options?.applicationServerKey, tag.content)) {
      // The server's key changed: a subscription made for the old key cannot be used.
      await subscription.unsubscribe();
      subscription = null;
    }
    if (!subscription) {
      subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: keyBytes(tag.content),
      });
    }
    const json = subscription.toJSON();
    if (json.endpoint === last.endpoint && json.keys.p256dh === last.p256dh
        && json.keys.auth === last.auth) return;
    await registerSubscription(subscription, last.endpoint);
  } catch (problem) {
    /* Reminders are an extra: a page must never fail because of them. */
  }
}
