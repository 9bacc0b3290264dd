/* Unsent drafts kept on this device, so nothing typed is lost when the signal drops or the
 * page is closed before the server has it. One entry per form, in localStorage: it is
 * synchronous, so a draft is safely stored before the page can be closed. Drafts are
 * removed once the server confirms it has that version, and all of them on sign-out. */

const PREFIX = 'unsent-draft:';

export function readDraft(key) {
  try {
    const stored = window.localStorage.getItem(PREFIX + key);
    return stored ? JSON.parse(stored) : null;
  } catch (unavailable) {
    return null; // private browsing or a full store: the server copy is all there is
  }
}

export function keepDraft(key, draft) {
  try {
    window.localStorage.setItem(PREFIX + key, JSON.stringify(draft));
    return true;
  } catch (unavailable) {
    return false;
  }
}

/* Forget a draft only if it is still the version the server confirmed, so a newer one
 * typed while the request was on its way is kept. */
export function forgetDraft(key, editedAt) {
  const held = readDraft(key);
  if (held && (editedAt === undefined || held.editedAt <= editedAt)) {
    try {
      window.localStorage.removeItem(PREFIX + key);
    } catch (unavailable) { /* nothing to forget */ }
  }
}

export function forgetAllDrafts() {
  try {
    Object.keys(window.localStorage)
      .filter((name) => name.startsWith(PREFIX))
      .forEach((name) => window.localStorage.removeItem(name));
  } catch (unavailable) { /* nothing stored */ }
}
