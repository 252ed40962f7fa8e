// The preload with `electron` replaced: it must expose exactly window.workstation, made of named
// functions bound to fixed channels, and never hand the page ipcRenderer itself.
import { describe, expect, it, vi } from 'vitest';

const exposed = vi.hoisted(() => new Map<string, unknown>());
const invoke = vi.hoisted(() => vi.fn((channel: string, request: unknown) => Promise.resolve({ ok: true, value: { channel, request } })));
const on = vi.hoisted(() => vi.fn());
const removeListener = vi.hoisted(() => vi.fn());
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: { invoke, on, removeListener },
}));

await import('./index');

describe('preload', () => {
  it('exposes only window.workstation', () => {
    expect([...exposed.keys()]).toEqual(['workstation']);
  });

  it('offers named functions per channel that invoke their own channel only', async () => {
    const api = exposed.get('workstation') as { app: { info: (r: object) => Promise<unknown> }; settings: Record<string, unknown> };
    await expect(api.app.info({})).resolves.toMatchObject({ ok: true, value: { channel: 'verity:app.info' } });
    expect(Object.keys(api.settings).sort()).toEqual(['get', 'update']);
    const values = JSON.stringify(Object.keys(api));
    expect(values).not.toMatch(/invoke|send|ipc/i);
  });

  it('hands out image URLs for the re-encoded variants only; the original is a download', async () => {
    type Images = { url: (r: object) => Promise<unknown>; downloadOriginal: (r: object) => Promise<unknown> };
    const images = (exposed.get('workstation') as { images: Images }).images;
    const sha = 'c'.repeat(64);
    await expect(images.url({ sha256: sha, variant: 'full' })).resolves.toEqual({ ok: true, value: `case-image://verity/${sha}/full` });
    await expect(images.url({ sha256: sha, variant: 'original' })).resolves.toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    await expect(images.downloadOriginal({ sha256: '../cases.db' })).resolves.toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('subscribes only to known events and can unsubscribe', () => {
    const api = exposed.get('workstation') as { events: { subscribe: (e: string, l: () => void) => () => void } };
    const stop = api.events.subscribe('settings.changed', () => {});
    expect(on).toHaveBeenCalledWith('verity-event:settings.changed', expect.any(Function));
    stop();
    expect(removeListener).toHaveBeenCalled();
    expect(() => api.events.subscribe('anything.else', () => {})).toThrow(/Unknown event/);
  });
});
