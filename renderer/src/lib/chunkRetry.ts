// Loading a lazily imported chunk again after it failed. Chromium keeps a failed module fetch in its module map and
// answers that URL with the same failure for the page's life (Chromium 150 does), so a retry after a failed fetch
// asks for the URL the failure names under a query of its own: a new module to the browser, whose own imports are
// shared as usual. After any other failure (the view threw while rendering) the module that loaded last is fine and
// is used again: asking for the original URL would meet the remembered failure if that one had failed before.

/** What to load for try number `attempt` after `error`; `loaded` is the module that loaded last, if any. */
export function retryChunk<M>(error: unknown, attempt: number, loaded: M | null, load: () => Promise<M>, importUrl: (href: string) => Promise<M>): Promise<M> {
  const named = error instanceof Error ? /imported module: (\S+)$/.exec(error.message)?.[1] : undefined;
  if (named && URL.canParse(named)) {
    const url = new URL(named);
    url.searchParams.set('attempt', String(attempt));
    return importUrl(url.href);
  }
  return loaded !== null ? Promise.resolve(loaded) : load();
}
