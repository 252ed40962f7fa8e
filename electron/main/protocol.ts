// app://verity/… serves the built renderer (never file://): files only from inside its folder, with the CSP header.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Protocol } from 'electron';
import { contentSecurityPolicy } from '../api/csp';
import { DomainError } from '../../shared/errors';
import { cacheControlOf, contentTypeOf, resolveStatic } from '../api/static';
import type { Workstation } from '../api/workstation';
import { caseImageRequestFromPath, dispositionOf } from '../api/imageRoute';

export const privilegedSchemes = [
  // codeCache: V8 keeps the bundle's compiled code between launches, as it does for https pages.
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
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
        headers: { 'Content-Type': contentTypeOf(file), 'Cache-Control': cacheControlOf(url.pathname), 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  };
}


/** case-image://verity/<sha256>/<variant>: a document image, after the workstation's access check; an original as an attachment. */
export function imageProtocolHandler(readImage: Workstation['readImage']): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    try {
      if (url.host !== 'verity') throw new DomainError('invalid_request', 'Not a valid image address.');
      const image = await readImage(caseImageRequestFromPath(url.pathname));
      return new Response(new Uint8Array(image.bytes), {
        headers: { 'Content-Type': image.contentType, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...dispositionOf(image) },
      });
    } catch (err) {
      const code = err instanceof DomainError ? err.code : 'internal';
      return new Response(code, { status: code === 'forbidden' ? 403 : code === 'invalid_request' ? 400 : 404 });
    }
  };
}

export function registerProtocols(protocol: Pick<Protocol, 'handle'>, rendererDir: string, workstation: Pick<Workstation, 'readImage'>): void {
  protocol.handle('app', appProtocolHandler(rendererDir));
  protocol.handle('case-image', imageProtocolHandler(workstation.readImage));
}
