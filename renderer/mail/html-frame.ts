/**
 * The srcdoc for an HTML mail body. The iframe has an empty `sandbox` (no scripts, no
 * same origin, no forms, no popups, no top navigation), and the document carries its own
 * CSP: no scripts, no connections, no frames, and images only inline (data:) unless the
 * user allowed remote content for this message or its sender. A <base target> keeps
 * links from trying to navigate the frame itself.
 */
export function mailSrcdoc(html: string, allowRemote: boolean): string {
  const images = allowRemote ? 'data: https:' : 'data:';
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `img-src ${images}`,
    `font-src ${allowRemote ? 'data: https:' : 'data:'}`,
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><base target="_blank"><style>body{font-family:system-ui,sans-serif;margin:0;padding:8px;color:#111;background:#fff;overflow-wrap:anywhere}</style></head><body>${html}</body></html>`;
}
