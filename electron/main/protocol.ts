// app://verity/… serves the built renderer (never file://): files only from inside its folder, with the CSP header.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Protocol } from 'electron';
import { contentSecurityPolicy } from '../api/csp';
import { contentTypeOf, resolveStatic } from '../api/static';

export const privilegedSchemes = [
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: 'case-image', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
];

export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const csp = contentSecurityPolicy('case-image:');
  return async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'verity') return new Response('Not found', { status: 404 });
    const file = url.pathname === '/' ? join(rendererDir, 'index.html') : resolveStatic(rendererDir, url.pathname);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: { 'Content-Type': contentTypeOf(file), 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  };
}

export function registerAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle('app', appProtocolHandler(rendererDir));
}
