// Serving the built renderer's files, shared by the app:// protocol and the browser host.
import { extname, resolve, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export function contentTypeOf(file: string): string {
  return contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Resolves a URL path inside root, or null when it would leave it (traversal, NUL, backslashes, bad escapes). */
export function resolveStatic(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const base = resolve(root);
  const target = resolve(base, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  return target.startsWith(base + sep) ? target : null;
}

/**
 * Vite names every built asset after a hash of its content (`/assets/index-CgOpI3dI.js`), so such a file never
 * changes under its name: it may be cached for good, and the browser keeps its compiled code (V8's code cache) from
 * one launch to the next. Anything else (index.html, the host's transport script) is asked for again each time.
 */
export function cacheControlOf(urlPath: string): string {
  return /^\/assets\/[\w.-]+-[\w-]{8}\.(?:js|css|woff2|svg|png)$/.test(urlPath) ? 'public, max-age=31536000, immutable' : 'no-cache';
}
