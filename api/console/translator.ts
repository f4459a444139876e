import { IntlMessageFormat } from 'intl-messageformat';
import type { UiLanguage } from '../web/locale';
import { messagesEn, type ConsoleCatalog, type ConsoleMessageKey } from './messages-en';
import { messagesEs } from './messages-es';
import { messagesPt } from './messages-pt';

const CATALOGS: Record<UiLanguage, ConsoleCatalog> = { en: messagesEn, es: messagesEs, pt: messagesPt };

/** Translates a console message into `language`, with ICU placeholders (`{agent}`) filled from `values`. */
export type Translate = (key: ConsoleMessageKey, values?: Record<string, string | number>) => string;

const compiled = new Map<string, IntlMessageFormat>();

export function translator(language: UiLanguage): Translate {
  const catalog = CATALOGS[language];
  return (key, values) => {
    const cacheKey = `${language}:${key}`;
    let format = compiled.get(cacheKey);
    if (!format) {
      format = new IntlMessageFormat(catalog[key], language);
      compiled.set(cacheKey, format);
    }
    return String(format.format(values));
  };
}
