/* Loaded synchronously at the top of <body> so the NHS.UK styles for JavaScript-enhanced
 * components apply before first paint (the design system's own snippet is inline, which our
 * Content-Security-Policy does not allow). */
document.body.className += ' js-enabled' +
  ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');
