import { describe, expect, it } from 'vitest';
import { retryChunk } from './chunkRetry';

const module = { CaseView: 'view' };
const never = (): Promise<typeof module> => Promise.reject(new Error('not this way'));

describe('retryChunk', () => {
  it('after a failed fetch, asks for the URL the failure names under a query of its own', async () => {
    const asked: string[] = [];
    const error = new TypeError('Failed to fetch dynamically imported module: http://127.0.0.1:5173/assets/CaseView-abc.js');
    const loaded = await retryChunk(error, 2, null, never, async (href) => (asked.push(href), module));
    expect(loaded).toBe(module);
    expect(asked).toEqual(['http://127.0.0.1:5173/assets/CaseView-abc.js?attempt=2']);
  });

  it('after the view threw while rendering, uses the module that loaded last (which may have come under ?attempt=N)', async () => {
    const again = { CaseView: 'again' };
    const loaded = await retryChunk(new Error('Cannot read properties of undefined'), 3, again, never, never);
    expect(loaded).toBe(again);
  });

  it('with nothing loaded yet and no URL named, loads the chunk the usual way', async () => {
    const loaded = await retryChunk('weird', 1, null, async () => module, never);
    expect(loaded).toBe(module);
  });
});
