/* The devices page: say whether this device can get reminders and why not, turn them on,
 * and unsubscribe the browser when the patient removes this device. */
import {
  currentSubscription, forgetRegistration, isIosWithoutHomeScreen, pushSupported,
  subscribeThisDevice,
} from '/static/js/push.mjs';

const panel = document.querySelector('[data-push-device]');

function show(state) {
  panel.querySelectorAll('[data-push-state]').forEach((element) => {
    element.hidden = element.dataset.pushState !== state;
  });
}

function showError(text) {
  const element = panel.querySelector('[data-push-error]');
  element.textContent = text; // text, never markup
  element.hidden = !text;
}

async function fingerprint(endpoint) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(endpoint));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function markThisDevice(subscription) {
  if (!subscription) return null;
  const mine = await fingerprint(subscription.endpoint);
  const row = document.querySelector(`[data-device-fingerprint="${mine}"]`);
  if (row) row.querySelector('.app-this-device').hidden = false;
  return row;
}

async function turnOn(button) {
  button.disabled = true;
  showError('');
  try {
    const answer = await subscribeThisDevice();
    if (answer.ok) {
      window.location.reload();
      return;
    }
    if (answer.body.permission) {
      show(answer.body.permission === 'denied' ? 'blocked' : 'off');
    } else {
      showError(answer.body.error
        ? `Reminders could not be turned on: ${answer.body.error}.`
        : 'Reminders could not be turned on. Try again later.');
    }
  } catch (problem) {
    showError('Reminders could not be turned on on this device. Try again later.');
  }
  button.disabled = false;
}

function unsubscribeBeforeRemoving(form, subscription) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await subscription.unsubscribe();
    } catch (problem) {
      /* The server forgets the device anyway. */
    }
    forgetRegistration();
    form.submit();
  }, { once: true });
}

async function start() {
  if (!panel) return;
  if (isIosWithoutHomeScreen()) {
    show('install-ios');
    return;
  }
  if (!pushSupported()) {
    show('unsupported');
    return;
  }
  if (Notification.permission === 'denied') {
    show('blocked');
    return;
  }
  const subscription = await currentSubscription();
  const row = await markThisDevice(subscription);
  show(row ? 'on' : 'off');
  if (row) unsubscribeBeforeRemoving(row.querySelector('[data-remove-device]'), subscription);
  panel.querySelector('[data-push-subscribe]').addEventListener('click', (event) => {
    turnOn(event.currentTarget);
  });
}

start();
