// The one Content-Security-Policy of the renderer, sent by the app:// protocol and the browser host
// and repeated in renderer/index.html. No inline script, no remote origin.
export function contentSecurityPolicy(imageSources: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' blob: ${imageSources}`.trim(),
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
