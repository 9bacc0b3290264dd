/* Autosave for the agenda page. Without this module the page's Save button does the same
 * job; with it, what the patient types is kept on the device at once and sent to the server
 * a moment after they stop typing. When the network is down the draft stays on the device
 * and is sent when it comes back, or the next time the page is opened; the status line says
 * in words which of those is true. */
import { forgetDraft, keepDraft, readDraft } from '/static/js/drafts.mjs';

const SEND_AFTER_MS = 800;
const RETRY_AFTER_MS = 30_000;
const SAVED_OFFLINE = 'Not saved yet — will save when you\'re back online';
const SKIPPED_FIELDS = new Set(['csrf_token', 'edited_at', 'action']);
const LISTS = ['topics', 'results'];

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || '';
}

class Autosave {
  constructor(form) {
    this.form = form;
    this.key = `agenda:${form.dataset.reviewId}`;
    this.url = form.dataset.draftUrl;
    this.status = form.querySelector('[data-save-status]');
    this.lastEditedAt = Number(form.dataset.editedAt || 0);
    this.timer = null;
    this.inFlight = null;
    this.waitingForNetwork = false;
  }

  start() {
    this.restore();
    const changed = () => this.changed();
    this.form.addEventListener('input', changed);
    this.form.addEventListener('change', changed);
    this.form.addEventListener('submit', (event) => this.submitting(event));
    // Closing or leaving the page: send what is waiting now rather than after the delay.
    window.addEventListener('pagehide', () => this.flush());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.flush();
    });
    window.addEventListener('online', () => this.resend());
  }

  say(words) {
    if (!this.status) return;
    this.status.hidden = false;
    this.status.textContent = words;
  }

  /* The whole form as the server's draft shape; each snapshot is stamped later than the
   * last, even if the device's clock steps back. */
  snapshot() {
    const fields = {};
    LISTS.forEach((name) => { fields[name] = []; });
    new FormData(this.form).forEach((value, name) => {
      if (SKIPPED_FIELDS.has(name)) return;
      (fields[name] ||= []).push(String(value));
    });
    this.lastEditedAt = Math.max(Date.now(), this.lastEditedAt + 1);
    return { editedAt: this.lastEditedAt, fields };
  }

  restore() {
    const held = readDraft(this.key);
    if (!held || !(held.editedAt > Number(this.form.dataset.editedAt || 0))) {
      if (held) forgetDraft(this.key, held.editedAt); // the server already has this or newer
      return;
    }
    this.apply(held.fields || {});
    this.lastEditedAt = Math.max(this.lastEditedAt, held.editedAt);
    this.say(SAVED_OFFLINE);
    this.send(held);
  }

  apply(fields) {
    for (const element of this.form.elements) {
      const { name } = element;
      if (!name || SKIPPED_FIELDS.has(name) || !(name in fields || LISTS.includes(name))) {
        continue;
      }
      const values = fields[name] || [];
      if (element.type === 'checkbox') {
        element.checked = values.includes(element.value);
        this.syncReveal(element);
      } else if (element.tagName === 'SELECT' || element.tagName === 'TEXTAREA'
                 || element.type === 'text') {
        element.value = values[0] ?? '';
      }
    }
  }

  /* Show or hide the "Tell us more" box under a ticked topic, as the design system's
   * checkboxes do when clicked. */
  syncReveal(checkbox) {
    const id = checkbox.getAttribute('aria-controls');
    const panel = id && document.getElementById(id);
    if (!panel) return;
    panel.classList.toggle('nhsuk-checkboxes__conditional--hidden', !checkbox.checked);
    checkbox.setAttribute('aria-expanded', String(checkbox.checked));
  }

  changed() {
    const draft = this.snapshot();
    keepDraft(this.key, draft);
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => {
      this.timer = null;
      this.send(draft);
    }, SEND_AFTER_MS);
  }

  flush() {
    if (this.timer === null) return;
    window.clearTimeout(this.timer);
    this.timer = null;
    const draft = readDraft(this.key);
    if (draft) this.send(draft, { keepalive: true });
  }

  resend() {
    this.waitingForNetwork = false;
    const draft = readDraft(this.key);
    if (draft) this.send(draft);
  }

  waitForNetwork() {
    this.say(SAVED_OFFLINE);
    if (this.waitingForNetwork) return;
    this.waitingForNetwork = true;
    // 'online' fires when the device reconnects; the timer covers a server that was
    // unreachable while the device itself stayed online.
    window.setTimeout(() => { if (this.waitingForNetwork) this.resend(); }, RETRY_AFTER_MS);
  }

  async send(draft, { keepalive = false } = {}) {
    if (this.inFlight && !keepalive) {
      // One request at a time; the newest draft goes when this one is answered.
      this.inFlight.then(() => {
        const newest = readDraft(this.key);
        if (newest && newest.editedAt >= draft.editedAt) this.send(newest);
      });
      return;
    }
    if (!navigator.onLine) {
      this.waitForNetwork();
      return;
    }
    const request = fetch(this.url, {
      method: 'POST',
      credentials: 'same-origin',
      keepalive,
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'X-CSRFToken': csrfToken(),
      },
      body: JSON.stringify(draft),
    });
    this.inFlight = request.then(() => {}, () => {});
    try {
      const response = await request;
      await this.answered(response, draft);
    } catch (offline) {
      this.waitForNetwork();
    } finally {
      this.inFlight = null;
    }
  }

  async answered(response, draft) {
    let body = {};
    try {
      body = await response.json();
    } catch (notJson) { /* e.g. a proxy's error page */ }
    if (response.ok && (body.saved || body.stale)) {
      forgetDraft(this.key, draft.editedAt);
      const problem = body.problems && body.problems[0];
      this.say(problem ? `${body.status}. But check your priorities: ${problem.message}`
        : body.status || 'Saved');
      return;
    }
    if (response.status === 401) {
      this.say('Not saved: you have been signed out. What you typed is kept on this phone. '
        + 'Sign in again and it will be saved.');
    } else if (response.status === 409) {
      forgetDraft(this.key);
      this.say(body.error || 'Your agenda can no longer be changed.');
    } else if (response.status === 400 || response.status === 422) {
      this.say(`Not saved: ${body.error || 'something in the form could not be read'}`);
    } else {
      this.waitForNetwork();
    }
  }

  submitting(event) {
    const draft = this.snapshot();
    keepDraft(this.key, draft);
    window.clearTimeout(this.timer);
    this.timer = null;
    if (!navigator.onLine) {
      event.preventDefault();
      this.say('You are offline. What you wrote is kept on this phone and will be saved '
        + 'when you\'re back online. Press the button again then to send it.');
      this.waitForNetwork();
      return;
    }
    // The server stores this version's time, so the copy kept here is not sent again.
    this.form.elements.edited_at.value = String(draft.editedAt);
  }
}

const form = document.querySelector('form[data-autosave]');
if (form) new Autosave(form).start();
