import { describe, expect, it } from 'vitest';
import { parseMajorAmount, majorAmountText } from '../../api/console/money-input';
import { maskEmail, maskName, maskPhone } from '../../api/console/masking';
import { negotiateLanguage } from '../../api/web/locale';

describe('the language of the console', () => {
  it("follows the browser's first supported language", () => {
    expect(negotiateLanguage('pt-BR,pt;q=0.9,en;q=0.8')).toBe('pt');
  });

  it('ranks by quality, not by order', () => {
    expect(negotiateLanguage('fr-FR, en;q=0.5, es-CO;q=0.9')).toBe('es');
  });

  it('ignores a language the browser refuses with q=0', () => {
    expect(negotiateLanguage('en;q=0, pt-PT;q=0.4')).toBe('pt');
  });

  it('speaks Spanish when the browser names nothing it supports', () => {
    expect(negotiateLanguage('de-DE,fr;q=0.8')).toBe('es');
    expect(negotiateLanguage(undefined)).toBe('es');
  });
});

describe('an amount typed by an agent', () => {
  it('reads a Mexican amount with a decimal point', () => {
    expect(parseMajorAmount('1,500.50', 'MXN')).toBe(150050);
  });

  it('reads a Brazilian amount with a decimal comma', () => {
    expect(parseMajorAmount('1.500,50', 'BRL')).toBe(150050);
  });

  it('reads a group of three digits after the last mark as thousands, not cents', () => {
    expect(parseMajorAmount('150.000', 'COP')).toBe(15_000_000);
  });

  it('pads a single decimal digit', () => {
    expect(parseMajorAmount('1500.5', 'EUR')).toBe(150050);
  });

  it('refuses text that is not an amount', () => {
    for (const text of ['', 'mil pesos', '-20', '1e5', '12.34.x']) expect(parseMajorAmount(text, 'MXN')).toBeNull();
  });

  it('shows minor units back as the major-unit text a field holds', () => {
    expect(majorAmountText(150050, 'BRL')).toBe('1500.50');
    expect(majorAmountText(5, 'USD')).toBe('0.05');
    expect(majorAmountText(15_000_000, 'COP')).toBe('150000.00');
  });
});

describe("a debtor's details before they are revealed", () => {
  it('keep the country code and the last four digits of the phone', () => {
    expect(maskPhone('+5215512345678')).toBe('+52 ••• 5678');
  });

  it('keep the first letter of the mailbox and the domain', () => {
    expect(maskEmail('joaquin.pereira@example.com.br')).toBe('j•••@example.com.br');
  });

  it('keep the first name and the initials of the rest', () => {
    expect(maskName('João Carlos da Silva')).toBe('João C. d. S.');
  });
});
