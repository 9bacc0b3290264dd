/* Every page: start the NHS.UK components, register the service worker, and keep the
 * signed-in session honest. Each piece only enhances a page that works without it. */
import { initAll } from '/static/vendor/nhsuk/nhsuk-frontend.min.js';
import { registerServiceWorker, forgetOnSignOut } from '/static/js/worker.mjs';
import { watchSessionExpiry } from '/static/js/session.mjs';
import { forgetAllDrafts } from '/static/js/drafts.mjs';
import { recheckSubscription } from '/static/js/push.mjs';

initAll();
registerServiceWorker();
forgetOnSignOut();
watchSessionExpiry();
// Signing out is the person saying this device should keep nothing of theirs.
if (document.querySelector('meta[name="signed-out"]')) forgetAllDrafts();
recheckSubscription();
