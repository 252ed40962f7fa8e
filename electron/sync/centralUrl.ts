// What a central service address may be: it carries passwords, session tokens and applicants' documents, so over the
// network only https; plain http only to a service on this computer (the built-in demo service, tests, a local proxy).

/** Whether a URL's hostname names this computer: localhost, 127.0.0.0/8 or [::1] (URL has normalised 127.1 and the like). */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Why this central service address is refused, in a sentence a person can act on; null when it may be used. */
export function centralUrlProblem(url: URL): string | null {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `The central service is named by an http(s) URL, or "none"; got a ${url.protocol} address.`;
  // Not echoed: the address holds a password.
  if (url.username || url.password) return 'The central service URL must not carry a user name or password: give the address alone and sign in in the app.';
  if (url.protocol === 'http:' && !isLoopbackHostname(url.hostname)) {
    return `The central service at ${url.origin} is refused: plain http: would send passwords, session tokens and applicants' documents unencrypted over the network. Use its https:// address (http:// is accepted only for a service on this computer: localhost, 127.0.0.1 or [::1]).`;
  }
  return null;
}
