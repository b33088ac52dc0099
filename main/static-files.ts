import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { MAX_STATIC_FILE_BYTES } from './web-host/limits.ts';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

/**
 * Reads a file of the renderer build for a request path ('' and '/' mean index.html).
 * Returns undefined for anything outside `root`, any hidden or unknown kind of file, and
 * anything missing: the caller answers 404 without saying which.
 */
export async function readStaticFile(
  root: string,
  requestPath: string,
): Promise<StaticFile | undefined> {
  let relative: string;
  try {
    relative = decodeURIComponent(
      requestPath === '' || requestPath === '/' ? '/index.html' : requestPath,
    );
  } catch {
    return undefined;
  }
  if (relative.includes('\0')) return undefined;
  const rootWithSep = root.endsWith(sep) ? root : root + sep;
  const file = normalize(join(root, relative));
  if (!file.startsWith(rootWithSep)) return undefined;
  if (
    file
      .slice(rootWithSep.length)
      .split(sep)
      .some((segment) => segment.startsWith('.'))
  ) {
    return undefined;
  }
  const contentType = CONTENT_TYPES[extname(file)];
  if (contentType === undefined) return undefined;
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > MAX_STATIC_FILE_BYTES) return undefined;
    return { body: await readFile(file), contentType };
  } catch {
    return undefined;
  }
}
