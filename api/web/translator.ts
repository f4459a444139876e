import { IntlMessageFormat } from 'intl-messageformat';
import type { UiLanguage } from './locale';

/** Translates a message key into one language, with ICU placeholders (`{agent}`) filled from `values`. */
export type TranslateWith<K extends string> = (key: K, values?: Record<string, string | number>) => string;

/**
 * A translator over one page family's catalogs (every language has every key, typechecked by the catalogs'
 * type). Each message is compiled once per language and kept.
 */
export function translatorFor<K extends string>(
  catalogs: Record<UiLanguage, Record<K, string>>
): (language: UiLanguage) => TranslateWith<K> {
  const compiled = new Map<string, IntlMessageFormat>();
  return (language) => (key, values) => {
    const cacheKey = `${language}:${key}`;
    let format = compiled.get(cacheKey);
    if (!format) {
      format = new IntlMessageFormat(catalogs[language][key], language);
      compiled.set(cacheKey, format);
    }
    return String(format.format(values));
  };
}
