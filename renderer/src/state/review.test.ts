// Warming a case's images ahead of showing it: each image is decoded once, not again when the case opens.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CaseDetail, DocumentRecord } from '../../../shared/contract/cases';
import { knownImageUrl, useReview, warmImages } from './review';

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Stands in for the browser's image element: counts what was asked to be decoded. */
let decodes: string[];
class CountingImage {
  src = '';
  decode(): Promise<void> {
    decodes.push(this.src);
    return Promise.resolve();
  }
}

const doc = (sha256: string): DocumentRecord => ({ id: `doc-${sha256}`, sha256, role: 'front', width: 1344, height: 846 }) as DocumentRecord;
const detail = (...docs: string[]): CaseDetail => ({ documents: docs.map(doc), previousDocuments: [] }) as unknown as CaseDetail;

/** The transport's URL for an image (a cache: the same URL each time, a new one once `letGo` names it). */
let urls: Map<string, string>;
let minted: number;
beforeEach(() => {
  decodes = [];
  urls = new Map();
  minted = 0;
  const url = async ({ sha256, variant }: { sha256: string; variant: string }) => {
    const key = `${sha256}/${variant}`;
    if (!urls.has(key)) urls.set(key, `blob:test/${++minted}`);
    return { ok: true, value: urls.get(key)! };
  };
  vi.stubGlobal('window', { workstation: { images: { url } } });
  vi.stubGlobal('Image', CountingImage);
  useReview.getState().clear();
});
afterEach(() => vi.unstubAllGlobals());

describe('warmImages', () => {
  it('decodes a case’s preview and thumbnails once, not again when the same case is warmed as it opens', async () => {
    warmImages(detail('a', 'b'));
    await settle();
    expect(decodes).toHaveLength(4);
    expect(knownImageUrl('a', 'preview')).toBe(urls.get('a/preview'));
    // The case opens: its own answer warms it again.
    warmImages(detail('a', 'b'));
    await settle();
    expect(decodes).toHaveLength(4);
  });

  it('decodes again an image whose URL the transport replaced (it let the old one go)', async () => {
    warmImages(detail('a'));
    await settle();
    urls.delete('a/preview');
    warmImages(detail('a'));
    await settle();
    expect(decodes).toEqual(['blob:test/1', 'blob:test/2', 'blob:test/3']);
    expect(knownImageUrl('a', 'preview')).toBe('blob:test/3');
  });
});
