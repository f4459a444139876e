/**
 * GSM 03.38 (3GPP TS 23.038) encoding detection and segment counting, so the result of every SMS send says what
 * the message costs: a single character outside GSM-7 (an "á", an emoji, a non-breaking space) switches the whole
 * message to UCS-2 and cuts a segment from 160 to 70 characters.
 */

/** The GSM 7-bit default alphabet (without ESC, 0x1B, which only introduces the extension table). */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
);
/** The extension table: each of these is sent as ESC + char, so it takes two septets. */
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegmentInfo {
  encoding: SmsEncoding;
  segments: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the body occupies. */
  units: number;
}

const SINGLE = { 'GSM-7': 160, 'UCS-2': 70 } as const;
/** A concatenated message loses 7 septets (GSM-7) or 3 code units (UCS-2) per segment to the UDH. */
const MULTI = { 'GSM-7': 153, 'UCS-2': 67 } as const;

export function smsEncodingOf(body: string): SmsEncoding {
  for (const ch of body) if (!GSM_BASIC.has(ch) && !GSM_EXTENSION.has(ch)) return 'UCS-2';
  return 'GSM-7';
}

export function smsSegments(body: string): SmsSegmentInfo {
  const encoding = smsEncodingOf(body);
  // Units per character: an escape pair (GSM-7) or a surrogate pair (UCS-2) must not be split across segments.
  const widths: number[] = [];
  for (const ch of body) widths.push(encoding === 'GSM-7' ? (GSM_EXTENSION.has(ch) ? 2 : 1) : ch.length);
  const units = widths.reduce((a, b) => a + b, 0);
  if (units <= SINGLE[encoding]) return { encoding, segments: 1, units };
  let segments = 1;
  let used = 0;
  for (const w of widths) {
    if (used + w > MULTI[encoding]) {
      segments += 1;
      used = 0;
    }
    used += w;
  }
  return { encoding, segments, units };
}
