/**
 * The Content-Security-Policy of the app's page, the same in Electron and in the web
 * host. Scripts only from the app itself; no plugins, no forms, no framing of the app.
 *
 * Why style-src allows inline styles and img-src allows https: HTML mail is shown in a
 * sandboxed srcdoc iframe, and a srcdoc document inherits this policy on top of its own.
 * The iframe's own policy (renderer/mail/html-frame.ts) blocks remote images until the
 * user allows them; this outer policy must not make allowing impossible. The app's own
 * markup has no inline styles that matter for security, and scripts stay 'self' only.
 */
export const APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Headers every response of the app's page carries (web host and Electron's app:// handler). */
export const APP_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': APP_CSP,
  'X-Content-Type-Options': 'nosniff',
  // The web host's URLs carry the per-launch token: never send them anywhere.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};
