// A view in a chunk of its own, loaded on first render (React.lazy) and loaded again after a failure: a rejected
// lazy() stays rejected, so each try needs a fresh one (lib/chunkRetry.ts says what a retry asks for).
import { lazy, type ComponentType } from 'react';
import { retryChunk } from './chunkRetry';

export interface Chunk {
  /** Fetches the chunk ahead of need (e.g. when the page is idle). */
  preload(): Promise<unknown>;
  /** A component that loads the chunk; after a failure, pass it and the try's number. */
  lazy(failed?: { error: unknown; attempt: number }): ComponentType;
}

export function lazyChunk<M>(load: () => Promise<M>, view: (module: M) => ComponentType): Chunk {
  /** The module that loaded last: a retry after a render error uses it again. */
  let loaded: M | null = null;
  return {
    preload: load,
    lazy: (failed) =>
      lazy(() =>
        (failed ? retryChunk(failed.error, failed.attempt, loaded, load, (href) => import(/* @vite-ignore */ href) as Promise<M>) : load()).then((m) => {
          loaded = m;
          return { default: view(m) };
        }),
      ),
  };
}
