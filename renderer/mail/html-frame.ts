/**
 * The srcdoc for an HTML mail body. The iframe has an empty `sandbox` (no scripts, no
 * same origin, no forms, no popups, no top navigation), and the document carries its own
 * CSP: no scripts, no connections, no frames, and images only inline (data:) unless the
 * user allowed remote content for this message or its sender. A <base target> keeps
 * links from trying to navigate the frame itself.
 */
export function mailSrcdoc(html: string, allowRemote: boolean): string {
  const body = allowRemote ? html : withoutRemoteSources(html);
  const images = allowRemote ? 'data: https:' : 'data:';
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `img-src ${images}`,
    `font-src ${allowRemote ? 'data: https:' : 'data:'}`,
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><base target="_blank"><style>body{font-family:system-ui,sans-serif;margin:0;padding:8px;color:#111;background:#fff;overflow-wrap:anywhere}</style></head><body>${body}</body></html>`;
}

const REMOTE_SOURCE = /(\s)(src|srcset|background|poster)(\s*=\s*["']?\s*)(?=https?:|\/\/)/giu;

/**
 * Renames the attributes that would fetch a remote resource (`src="https://..."` and the
 * like) so that the document itself holds no remote source: the CSP alone is not relied
 * on, since a browser's preload scanner may look at the markup before the policy applies.
 */
export function withoutRemoteSources(html: string): string {
  return html.replace(REMOTE_SOURCE, '$1data-blocked-$2$3');
}
