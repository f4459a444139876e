/** The languages the web pages speak. */
export const UI_LANGUAGES = ['es', 'pt', 'en'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

/**
 * The page's language from the browser's Accept-Language (RFC 9110 §12.5.4): the first supported primary language
 * by quality, else Spanish, the language of most of our debtors and agents.
 */
export function negotiateLanguage(acceptLanguage: string | undefined): UiLanguage {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.primary !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const found = ranked.find((r) => (UI_LANGUAGES as readonly string[]).includes(r.primary));
  return (found?.primary as UiLanguage | undefined) ?? 'es';
}

/** The BCP 47 locale numbers and dates are formatted in: the agent's language, the debtor's country when it shares it. */
export function formattingLocaleFor(language: UiLanguage, debtorLocale: string | undefined): string {
  if (debtorLocale && debtorLocale.toLowerCase().startsWith(language)) return debtorLocale;
  return { es: 'es-MX', pt: 'pt-BR', en: 'en-US' }[language];
}
