import { enUS } from './catalog-en-us';
import { esCO } from './catalog-es-co';
import { esES } from './catalog-es-es';
import { esMX } from './catalog-es-mx';
import { ptBR } from './catalog-pt-br';
import type { LocaleCatalog } from './message-catalog';

const CATALOGS: readonly LocaleCatalog[] = [esMX, esCO, esES, ptBR, enUS];
const BY_LOCALE = new Map(CATALOGS.map((c) => [c.locale.toLowerCase(), c]));

/**
 * The catalog a language falls back to when its region has none: Latin American Spanish for `es-*` (most debtors
 * the product serves are in LatAm, and es-MX reads naturally from Argentina to Peru), Brazilian Portuguese for `pt-*`.
 */
const LANGUAGE_DEFAULT: Record<string, LocaleCatalog> = { es: esMX, pt: ptBR, en: enUS };

export const SUPPORTED_LOCALES: readonly string[] = CATALOGS.map((c) => c.locale);

/** Exact locale → the language's default → en-US. */
export function resolveCatalog(locale: string): LocaleCatalog {
  const normalized = locale.replace('_', '-').toLowerCase();
  const exact = BY_LOCALE.get(normalized);
  if (exact) return exact;
  const language = normalized.split('-')[0] ?? '';
  return LANGUAGE_DEFAULT[language] ?? enUS;
}
