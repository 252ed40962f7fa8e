import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { en, type MessageKey } from './en';
import { translator } from './index';
import { zhCN } from './zh-CN';

const catalogues = { en, 'zh-CN': zhCN } as const;

describe('plural forms (ICU through intl-messageformat)', () => {
  it('reads right for one and for many, in English', () => {
    const t = translator('en');
    expect(t('flag.R2.document_used_elsewhere', { accounts: 1, limit: 1 })).toBe('This document already verifies 1 other account; one document may verify at most 1 account.');
    expect(t('flag.R2.document_used_elsewhere', { accounts: 3, limit: 1 })).toContain('3 other accounts;');
    expect(t('sync.pending', { count: 1 })).toBe('1 decision waiting to sync');
    expect(t('sync.pending', { count: 2 })).toBe('2 decisions waiting to sync');
    expect(t('audit.repeated', { count: 3, until: '10:20' })).toBe('(3 times in one sitting, the last at 10:20)');
    expect(t('flag.R10.expires_soon', { expiryDate: '2026-12-06', daysLeft: 1, withinDays: 30 })).toContain(', in 1 day (');
  });

  it('reads right in Chinese, where one form serves every number', () => {
    const t = translator('zh-CN');
    expect(t('flag.R2.document_used_elsewhere', { accounts: 1, limit: 1 })).toBe('此证件已认证 1 个其他账号；一个证件最多认证 1 个账号。');
    expect(t('audit.repeated', { count: 3, until: '10:20' })).toBe('（同一次审阅中共 3 次，最后一次 10:20）');
  });

  it('has no "(s)" stand-in left, and every entry of both languages parses as an ICU message', () => {
    for (const [language, catalogue] of Object.entries(catalogues)) {
      for (const [key, template] of Object.entries(catalogue) as [MessageKey, string][]) {
        expect(template, `${language} ${key}`).not.toMatch(/\w\(s\)/);
        expect(() => new IntlMessageFormat(template, language), `${language} ${key}`).not.toThrow();
      }
    }
  });
});
