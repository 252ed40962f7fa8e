// A small typed message catalogue: every key exists in both languages (the compiler checks zh-CN).
import { IntlMessageFormat } from 'intl-messageformat';
import type { UiLanguage } from '../../../shared/contract/app';
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';

export type { MessageKey };
const catalogues: Record<UiLanguage, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** An entry with an ICU argument of its own (`{count, plural, …}`, `select`): formatted by intl-messageformat. */
const icuArgument = /\{\s*\w+\s*,\s*(plural|select|selectordinal)\s*,/;
const compiled = new Map<string, IntlMessageFormat>();

function formatIcu(language: UiLanguage, key: MessageKey, template: string, params: Record<string, string | number>): string {
  const id = `${language}\u0000${key}`;
  let format = compiled.get(id);
  if (!format) {
    format = new IntlMessageFormat(template, language);
    compiled.set(id, format);
  }
  return String(format.format(params));
}

/**
 * `t(key, params)`: plain entries fill their `{name}` placeholders; entries with plural or select forms go through
 * intl-messageformat (ICU), so one key reads right for 1 and for many in each language.
 */
export function translator(language: UiLanguage): Translate {
  const catalogue = catalogues[language];
  return (key, params) => {
    const template = catalogue[key];
    if (params && icuArgument.test(template)) return formatIcu(language, key, template, params);
    return params ? template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : template;
  };
}

/** The operating system's (browser's) language, mapped onto the ones we ship. */
export function systemLanguage(languages: readonly string[] = navigator.languages): UiLanguage {
  return languages.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en';
}

/** Error codes the renderer knows how to explain; anything else shows the workstation's own message. */
export function errorMessage(t: Translate, error: { code: string; message: string }): string {
  const key = `error.${error.code}` as MessageKey;
  return key in en && key !== 'error.generic' ? t(key, { message: error.message }) : t('error.generic', { message: error.message });
}
