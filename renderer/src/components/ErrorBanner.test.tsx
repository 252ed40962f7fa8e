// The one error banner, rendered by React to HTML in both languages: an alert (or a polite status for a lasting or
// expected state) that carries the error's code, says the code's own text or the view's sentence, and offers exactly
// the actions the view gives it. Clicking Try again is proved in real Chromium (supervisor-exports-on-record.e2e.ts).
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorBanner } from './ErrorBanner';

const offline = { code: 'offline', message: 'connect ECONNREFUSED 127.0.0.1:9' };
const unknown = { code: 'from_a_newer_service', message: 'The ledger is closed for the night.' };
const act = () => undefined;

/** The banner as the page gets it, in the system language `language` (the settings leave the language to it). */
function banner(language: string, props: Parameters<typeof ErrorBanner>[0]): string {
  vi.stubGlobal('navigator', { languages: [language] });
  return renderToStaticMarkup(<ErrorBanner {...props} />);
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('ErrorBanner', () => {
  it('is an alert with the code, the code’s own text and Try again, in English and in Chinese', () => {
    expect(banner('en-GB', { error: offline, onRetry: act, testId: 'log-error' })).toBe(
      '<div class="error-banner" role="alert" data-testid="log-error" data-code="offline">' +
        '<p>The central service cannot be reached. Your decisions wait on this workstation and are sent when it can be reached.</p>' +
        '<button type="button">Try again</button></div>',
    );
    expect(banner('zh-CN', { error: offline, onRetry: act })).toBe(
      '<div class="error-banner" role="alert" data-code="offline"><p>无法连接中央服务。您的审核决定保存在本工作站，连接恢复后会自动发送。</p><button type="button">重试</button></div>',
    );
  });

  it('says the service’s own words for a code this app does not know', () => {
    expect(banner('en', { error: unknown })).toBe('<div class="error-banner" role="alert" data-code="from_a_newer_service"><p>The ledger is closed for the night.</p></div>');
  });

  it('offers only the actions it is given: none, Dismiss, or both', () => {
    expect(banner('en', { error: unknown })).not.toContain('<button');
    const dismissOnly = banner('zh-CN', { error: unknown, onDismiss: act });
    expect(dismissOnly.match(/<button[^>]*>[^<]*<\/button>/g)).toEqual(['<button type="button">关闭</button>']);
    const both = banner('en', { error: unknown, onRetry: act, onDismiss: act });
    expect(both.match(/<button[^>]*>[^<]*<\/button>/g)).toEqual(['<button type="button">Try again</button>', '<button type="button">Dismiss</button>']);
  });

  it('puts a title before the view’s own sentence', () => {
    expect(banner('en', { error: offline, title: 'Sync failed', text: 'The export did not complete.' })).toBe(
      '<div class="error-banner" role="alert" data-code="offline"><strong>Sync failed</strong><p>The export did not complete.</p></div>',
    );
  });

  it('announces a lasting state politely and an expected wait quietly, not as alerts', () => {
    expect(banner('en', { error: offline, tone: 'lasting' })).toMatch(/^<div class="error-banner" role="status" data-code="offline">/);
    expect(banner('en', { error: offline, tone: 'offline', text: 'Offline.', onRetry: act })).toBe(
      '<div class="muted" role="status" data-code="offline"><p>Offline.</p><button type="button">Try again</button></div>',
    );
  });
});
