// The Electron glue with the `electron` module replaced by a test double: the real options and
// checks this code passes to Electron are asserted, since the Electron binary cannot run here.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  const created: { options: unknown; loaded: string[] }[] = [];
  class BrowserWindow {
    loaded: string[] = [];
    constructor(readonly options: unknown) {
      created.push(this as unknown as { options: unknown; loaded: string[] });
    }
    contentProtection: boolean | null = null;
    titleHandlers: ((event: { preventDefault(): void }) => void)[] = [];
    once() {}
    on(event: string, handler: (event: { preventDefault(): void }) => void) {
      if (event === 'page-title-updated') this.titleHandlers.push(handler);
    }
    setContentProtection(enabled: boolean) {
      this.contentProtection = enabled;
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    show() {}
  }
  return { created, BrowserWindow, shell: { openExternal: vi.fn(() => Promise.resolve()) } };
});
vi.mock('electron', () => ({ BrowserWindow: electron.BrowserWindow, shell: electron.shell }));

import { openWorkstation, type Workstation } from '../api/workstation';
import { ExplicitKeyProvider } from '../common/keys';
import { tempFolder } from '../../tests/support/tempFolder';
import { bindIpc, isTrustedSender } from './ipc';
import { DomainError } from '../../shared/errors';
import { appProtocolHandler, imageProtocolHandler } from './protocol';
import { denyPermissions, hardenWebContents, isAllowedExternal, isAppUrl } from './security';
import { createMainWindow } from './window';

describe('main window', () => {
  it('is created with hardened webPreferences and loads the app:// page', () => {
    const window = createMainWindow('/app/out/preload/index.cjs') as unknown as { options: { minWidth: number; webPreferences: Record<string, unknown> }; loaded: string[] };
    expect(window.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // A URL or a file dropped onto the window must not replace the app (issue 25 item 7).
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(window.loaded).toEqual(['app://verity/index.html']);
    expect(window.options.minWidth).toBe(1280);
  });

  it('is protected from screen capture and keeps its title whatever the page sets', () => {
    const window = createMainWindow('/app/out/preload/index.cjs') as unknown as { options: { title: string }; contentProtection: boolean | null; titleHandlers: ((event: { preventDefault(): void }) => void)[] };
    expect(window.contentProtection).toBe(true);
    expect(window.options.title).toBe('Verity');
    const preventDefault = vi.fn();
    for (const handler of window.titleHandlers) handler({ preventDefault });
    expect(window.titleHandlers).toHaveLength(1);
    expect(preventDefault).toHaveBeenCalledOnce();
  });
});

describe('navigation and links', () => {
  it.each([
    ['app://verity/index.html', true],
    ['app://verity.evil.com/index.html', false],
    ['app://evil/verity', false],
    ['file:///etc/passwd', false],
    ['https://verity/', false],
    ['not a url', false],
  ])('isAppUrl(%s) = %s', (url, expected) => expect(isAppUrl(url)).toBe(expected));

  it.each([
    ['https://www.alibabacloud.com/help/en', true],
    ['https://www.alibabacloud.com.evil.com/', false],
    ['https://user:pw@www.alibabacloud.com/', false],
    ['http://www.alibabacloud.com/', false],
    ['javascript:alert(1)', false],
    ['file:///etc/passwd', false],
  ])('isAllowedExternal(%s) = %s', (url, expected) => expect(isAllowedExternal(url)).toBe(expected));

  it('prevents navigation away and denies every new window without opening anything', () => {
    const handlers = new Map<string, (event: { preventDefault: () => void }, url?: string) => void>();
    let openHandler: (details: { url: string }) => { action: string } = () => ({ action: 'allow' });
    const contents = {
      on: (name: string, fn: (event: { preventDefault: () => void }, url?: string) => void) => handlers.set(name, fn),
      setWindowOpenHandler: (fn: typeof openHandler) => {
        openHandler = fn;
      },
    };
    hardenWebContents(contents as never);
    const prevented = vi.fn();
    handlers.get('will-navigate')!({ preventDefault: prevented }, 'https://evil.example/');
    expect(prevented).toHaveBeenCalledTimes(1);
    handlers.get('will-navigate')!({ preventDefault: prevented }, 'app://verity/index.html');
    expect(prevented).toHaveBeenCalledTimes(1);
    handlers.get('will-redirect')!({ preventDefault: prevented }, 'https://evil.example/');
    expect(prevented).toHaveBeenCalledTimes(2);
    handlers.get('will-attach-webview')!({ preventDefault: prevented });
    expect(prevented).toHaveBeenCalledTimes(3);
    // The app is one page: another address of its own origin (an asset, a query, the page served from another path)
    // would replace it as surely as another site, through a link or a redirect.
    for (const url of ['app://verity/assets/index.js', 'app://verity/index.html?x=1', 'app://verity/', 'app://verity//evil.example/', 'file:///etc/passwd', 'javascript:alert(1)']) {
      const before = prevented.mock.calls.length;
      handlers.get('will-navigate')!({ preventDefault: prevented }, url);
      handlers.get('will-redirect')!({ preventDefault: prevented }, url);
      expect(prevented.mock.calls.length - before, url).toBe(2);
    }

    expect(openHandler({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(openHandler({ url: 'https://www.alibabacloud.com/help' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).not.toHaveBeenCalled();
  });

  it('denies every permission request and check', () => {
    let request: (c: unknown, p: string, cb: (granted: boolean) => void) => void = () => {};
    let check: () => boolean = () => true;
    let device: () => boolean = () => true;
    denyPermissions({
      setPermissionRequestHandler: (fn: typeof request) => (request = fn),
      setPermissionCheckHandler: (fn: typeof check) => (check = fn),
      setDevicePermissionHandler: (fn: typeof device) => (device = fn),
    } as never);
    const granted = vi.fn();
    request(null, 'media', granted);
    expect(granted).toHaveBeenCalledWith(false);
    expect(check()).toBe(false);
    expect(device()).toBe(false);
  });
});

describe('IPC binding', () => {
  let handlers: Map<string, (event: unknown, payload: unknown) => Promise<unknown>>;
  let workstation: Workstation;
  const appFrame = { url: 'app://verity/index.html', parent: null };

  beforeEach(async () => {
    handlers = new Map();
    workstation = await openWorkstation({
      dataDir: tempFolder('verity-ipc-'),
      host: 'electron',
      version: '1.2.3',
      keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 2)),
    });
    bindIpc({ handle: (channel: string, fn: (event: unknown, payload: unknown) => Promise<unknown>) => handlers.set(channel, fn) } as never, workstation);
  });
  afterEach(() => workstation.close());

  it('binds one handler per contract channel', () => {
    expect([...handlers.keys()]).toContain('verity:app.info');
    expect([...handlers.keys()].every((k) => k.startsWith('verity:'))).toBe(true);
  });

  it('answers the app page', async () => {
    const answer = await handlers.get('verity:app.info')!({ senderFrame: appFrame }, {});
    expect(answer).toMatchObject({ ok: true, value: { name: 'Verity', host: 'electron', version: '1.2.3' } });
  });

  it.each([
    ['another origin', { url: 'https://evil.example/', parent: null }],
    ['a subframe of the app', { url: 'app://verity/index.html', parent: {} }],
    ['a file:// page', { url: 'file:///tmp/x.html', parent: null }],
    ['no frame', null],
  ])('refuses a call from %s', async (_name, frame) => {
    const answer = await handlers.get('verity:app.info')!({ senderFrame: frame }, {});
    expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(isTrustedSender({ senderFrame: frame as never })).toBe(false);
  });

  it('answers a payload that fails its schema with a code, not a crash', async () => {
    const answer = await handlers.get('verity:settings.update')!({ senderFrame: appFrame }, { language: 42, extra: 'x' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const notObject = await handlers.get('verity:settings.update')!({ senderFrame: appFrame }, 'DROP TABLE');
    expect(notObject).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('takes image bytes as a Uint8Array (structured clone), never base64, and checks who asks', async () => {
    const asBase64 = await handlers.get('verity:images.import')!({ senderFrame: appFrame }, { applicationId: 'A', role: 'page', bytes: 'aGVsbG8=' });
    expect(asBase64).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const asBytes = await handlers.get('verity:images.import')!({ senderFrame: appFrame }, { applicationId: 'A', role: 'page', bytes: new Uint8Array([1, 2, 3]) });
    expect(asBytes).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });
});

describe('app:// protocol', () => {
  let handle: ReturnType<typeof appProtocolHandler>;
  beforeAll(() => {
    const dir = tempFolder('verity-proto-');
    mkdirSync(join(dir, 'renderer', 'assets'), { recursive: true });
    writeFileSync(join(dir, 'renderer', 'index.html'), '<html></html>');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    handle = appProtocolHandler(join(dir, 'renderer'));
  });

  it('serves the renderer with the CSP header', async () => {
    const res = await handle(new Request('app://verity/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
  });

  it.each(['app://verity/../secret.txt', 'app://verity/..%2fsecret.txt', 'app://verity/assets/%2e%2e/%2e%2e/secret.txt', 'app://other/index.html'])('refuses %s', async (url) => {
    const res = await handle(new Request(url));
    expect(res.status).toBe(404);
  });
});

describe('case-image:// protocol', () => {
  const sha = 'a'.repeat(64);
  const handle = imageProtocolHandler(async (ref) => {
    const r = ref as { sha256: string; variant: string };
    if (r.sha256 !== sha) throw new DomainError('forbidden', 'no access');
    const attachment = r.variant === 'original' ? `verity-original-${sha.slice(0, 16)}.jpg` : null;
    return { sha256: sha, bytes: Buffer.from(`${r.variant}-bytes`), contentType: 'image/jpeg', attachment };
  });

  it('serves an image the workstation lets through', async () => {
    const res = await handle(new Request(`case-image://verity/${sha}/full`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('content-disposition')).toBeNull();
    expect(await res.text()).toBe('full-bytes');
  });

  it('serves an original only as an attachment', async () => {
    const res = await handle(new Request(`case-image://verity/${sha}/original`));
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="verity-original-${sha.slice(0, 16)}.jpg"`);
    expect(await res.text()).toBe('original-bytes');
  });

  it.each([
    [`case-image://verity/${'b'.repeat(64)}/preview`, 403],
    [`case-image://verity/${sha}/secret`, 400],
    ['case-image://verity/../../cases.db', 400],
    [`case-image://other/${sha}/preview`, 400],
  ])('refuses %s with %i', async (url, status) => {
    expect((await handle(new Request(url))).status).toBe(status);
  });
});
