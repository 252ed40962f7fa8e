// A small typed message catalogue: every key exists in both languages (the compiler checks zh-CN).
import type { UiLanguage } from '../../../shared/contract/app';
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';

export type { MessageKey };
const catalogues: Record<UiLanguage, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(language: UiLanguage): Translate {
  const catalogue = catalogues[language];
  return (key, params) => {
    const template = catalogue[key];
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
