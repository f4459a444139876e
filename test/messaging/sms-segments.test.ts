import { describe, expect, it } from 'vitest';
import { smsEncodingOf, smsSegments } from '../../activities/messaging/sms-segments';

describe('SMS encoding and segments (GSM 03.38)', () => {
  it('keeps plain English and GSM accents (é, ñ, ü, ¿) in GSM-7', () => {
    expect(smsEncodingOf('Reply STOP to stop receiving these messages.')).toBe('GSM-7');
    expect(smsEncodingOf('¿Señor Müller? Café')).toBe('GSM-7');
  });

  it('switches to UCS-2 for characters outside the alphabet: á, ç, ã, emoji, non-breaking space', () => {
    for (const text of ['más', 'serviço', 'João', 'pago 👍', 'R$\u00a01.500,00'])
      expect(smsEncodingOf(text)).toBe('UCS-2');
  });

  it('fits 160 GSM-7 characters in one segment and splits the 161st into two of 153', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2, units: 161 });
    expect(smsSegments('a'.repeat(306)).segments).toBe(2);
    expect(smsSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('counts extension-table characters (€ [ ] { } ~ ^ | \\) as two septets', () => {
    expect(smsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(smsSegments(`${'€'.repeat(80)}a`)).toMatchObject({ segments: 2, units: 161 });
  });

  it('never splits an escape pair across segments', () => {
    // 152 plain septets then "€": the pair does not fit in segment one's 153 septets.
    expect(smsSegments(`${'a'.repeat(152)}€${'a'.repeat(10)}`).segments).toBe(2);
    expect(smsSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`).segments).toBe(3);
  });

  it('fits 70 UCS-2 characters in one segment and splits longer text into segments of 67', () => {
    expect(smsSegments('á'.repeat(70))).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    expect(smsSegments('á'.repeat(71)).segments).toBe(2);
    expect(smsSegments('á'.repeat(134)).segments).toBe(2);
    expect(smsSegments('á'.repeat(135)).segments).toBe(3);
  });

  it('counts an emoji as two UCS-2 units and keeps its surrogate pair whole', () => {
    expect(smsSegments('👍'.repeat(35))).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    expect(smsSegments(`${'a'.repeat(66)}👍${'a'.repeat(10)}`).segments).toBe(2);
  });
});
