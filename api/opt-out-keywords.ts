/**
 * Opt-out keywords in the languages we collect in (en, es, pt), plus carrier-standard ones. Matched
 * case- and accent-insensitively, as the whole message or its first word ("STOP please", "Baja.", "no más").
 */
export const OPT_OUT_KEYWORDS = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'END',
  'QUIT',
  'CANCEL',
  'REVOKE',
  'OPTOUT',
  'BAJA',
  'ALTO',
  'CANCELAR',
  'NO MAS',
  'PARAR',
  'SAIR',
  'DESCADASTRAR',
] as const;

/** Upper case, no accents or punctuation, single spaces: how inbound keywords are compared. */
export const normalizeKeywordText = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The keyword the message opts out with, or null. Multi-word keywords ("NO MAS") match as the first words. */
export function optOutKeyword(body: string): string | null {
  const text = normalizeKeywordText(body);
  if (!text) return null;
  for (const k of OPT_OUT_KEYWORDS) if (text === k || text.startsWith(`${k} `)) return k;
  return null;
}
