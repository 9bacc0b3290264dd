/* When the session times out on the server, go to the sign-in page by itself, so a screen
 * left open does not keep showing someone's health information. Another tab may have kept
 * the session alive, so ask the server before leaving. */

const STATUS_URL = '/account/session';

function schedule(seconds) {
  window.setTimeout(check, Math.max(seconds, 5) * 1000);
}

async function check() {
  try {
    const response = await fetch(STATUS_URL, { headers: { Accept: 'application/json' } });
    const status = await response.json();
    if (status.signedIn) {
      schedule(status.secondsLeft + 1);
      return;
    }
  } catch (offline) {
    schedule(60); // no network: the server will decide when we are back
    return;
  }
  const here = window.location.pathname + window.location.search;
  window.location.assign(`/login?timeout=1&next=${encodeURIComponent(here)}`);
}

export function watchSessionExpiry() {
  const meta = document.querySelector('meta[name="session-seconds-left"]');
  if (!meta) return;
  const seconds = Number(meta.content);
  if (!meta.content || !Number.isFinite(seconds)) return;
  schedule(seconds + 1);
}
