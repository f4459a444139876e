import { describe, expect, it } from 'vitest';
import { MESSAGE_TEMPLATE_KEYS } from '../../activities/messaging/templates/message-catalog';
import { formatAmount } from '../../activities/messaging/templates/format-values';
import { renderMessage, type RenderInput } from '../../activities/messaging/templates/render-message';
import { SUPPORTED_LOCALES } from '../../activities/messaging/templates/resolve-locale';
import { defaultLadder, messageTemplateKeysOf } from '../../workflows/engine/ladder';

const creditorBR = {
  name: 'Aurora Crédito Ltda.',
  address: 'Av. Paulista, 1000, São Paulo - SP',
  taxId: '12.345.678/0001-90',
};
const base: Omit<RenderInput, 'channel' | 'locale' | 'jurisdiction' | 'currency'> = {
  template: 'pre_due_nudge',
  debtorName: 'Ana López',
  amountMinor: 150000,
  referenceDate: '2026-03-15',
  paymentLink: 'https://pay.example.com/acc-1',
  unsubscribeUrl: 'https://cobranza.example.com/unsubscribe?wf=w&step=s&channel=email',
};

const cases = [
  {
    locale: 'es-MX',
    jurisdiction: 'MX',
    currency: 'MXN',
    amount: '$1,500.00',
    date: '12/03/2026',
    optOut: 'Responde BAJA para no recibir más mensajes.',
  },
  {
    locale: 'es-CO',
    jurisdiction: 'CO',
    currency: 'COP',
    amount: '$ 1.500',
    date: '12/03/2026',
    optOut: 'Responde BAJA para no recibir más mensajes.',
  },
  {
    locale: 'es-ES',
    jurisdiction: 'ES',
    currency: 'EUR',
    amount: '1500,00 €',
    date: '12/03/2026',
    optOut: 'Responde BAJA para no recibir más mensajes.',
  },
  {
    locale: 'pt-BR',
    jurisdiction: 'BR',
    currency: 'BRL',
    amount: 'R$ 1.500,00',
    date: '12/03/2026',
    optOut: 'Responda SAIR para não receber mais mensagens.',
  },
  {
    locale: 'en-US',
    jurisdiction: 'US',
    currency: 'USD',
    amount: '$1,500.00',
    date: '03/12/2026',
    optOut: 'Reply STOP to stop receiving these messages.',
  },
] as const;

describe('message templates', () => {
  it('has a catalog for es-MX, es-CO, es-ES, pt-BR and en-US', () => {
    expect([...SUPPORTED_LOCALES].sort()).toEqual(['en-US', 'es-CO', 'es-ES', 'es-MX', 'pt-BR']);
  });

  it.each(cases)('renders the $locale SMS with $amount, the local date and the opt-out', (c) => {
    const sms = renderMessage({ ...base, ...c, referenceDate: '2026-03-12', channel: 'sms', creditor: creditorBR });

    expect(sms.kind).toBe('text');
    if (sms.kind !== 'text') return;
    expect(sms.body).toContain(c.amount);
    expect(sms.body).toContain(c.date);
    expect(sms.body).toContain('https://pay.example.com/acc-1');
    expect(sms.body.endsWith(c.optOut)).toBe(true);
    // Intl's no-break spaces would force UCS-2; SMS bodies use plain spaces.
    expect(sms.body).not.toMatch(/[\u00a0\u202f]/);
  });

  it.each(cases)(
    'renders a $locale email for every ladder template with subject, text, html and unsubscribe link',
    (c) => {
      for (const template of MESSAGE_TEMPLATE_KEYS) {
        const email = renderMessage({ ...base, ...c, template, channel: 'email', creditor: creditorBR });
        expect(email.kind).toBe('email');
        if (email.kind !== 'email') return;
        expect(email.subject.length).toBeGreaterThan(0);
        expect(email.text).toContain('Ana López');
        expect(email.text).toContain(base.unsubscribeUrl);
        expect(email.html).toContain(`<html lang="${c.locale}">`);
        expect(email.html).toContain(
          '<a href="https://cobranza.example.com/unsubscribe?wf=w&amp;step=s&amp;channel=email">'
        );
      }
    }
  );

  it('covers every message template of the default ladder', () => {
    const messageTemplates = messageTemplateKeysOf(defaultLadder);
    expect([...new Set(messageTemplates)].sort()).toEqual([...MESSAGE_TEMPLATE_KEYS].sort());
  });

  it('formats amounts from minor units with the currency’s ISO 4217 exponent', () => {
    expect(formatAmount(150000, 'MXN', 'es-MX')).toBe('$1,500.00');
    expect(formatAmount(150000, 'USD', 'en-US')).toBe('$1,500.00');
    expect(formatAmount(150000, 'BRL', 'pt-BR')).toBe('R$\u00a01.500,00');
    expect(formatAmount(150000, 'EUR', 'es-ES')).toBe('1500,00\u00a0€');
    // COP has two minor digits in ISO 4217 though Colombians write whole pesos; cents are shown only when present.
    expect(formatAmount(150000, 'COP', 'es-CO')).toBe('$\u00a01.500');
    expect(formatAmount(150050, 'COP', 'es-CO')).toBe('$\u00a01.500,50');
    expect(formatAmount(150000, 'CLP', 'es-CL')).toBe('$150.000');
    expect(formatAmount(5, 'USD', 'en-US')).toBe('$0.05');
  });

  it('writes the reference date as the same calendar day whatever the process time zone', () => {
    const sms = renderMessage({
      ...base,
      channel: 'sms',
      locale: 'es-MX',
      jurisdiction: 'MX',
      currency: 'MXN',
      referenceDate: '2026-01-01',
    });
    expect(sms.kind === 'text' && sms.body).toContain('01/01/2026');
  });

  it('falls back from es-AR to the Latin American Spanish text, keeping Argentine number format', () => {
    const sms = renderMessage({ ...base, channel: 'sms', locale: 'es-AR', jurisdiction: 'AR', currency: 'ARS' });
    expect(sms.locale).toBe('es-MX');
    expect(sms.kind === 'text' && sms.body).toContain(
      'Hola Ana López, te recordamos que tu pago de $ 1.500,00 vence el 15/03/2026.'
    );
  });

  it('falls back from pt-PT to pt-BR and from an unknown language to en-US', () => {
    expect(
      renderMessage({ ...base, channel: 'sms', locale: 'pt-PT', jurisdiction: 'PT', currency: 'EUR' }).locale
    ).toBe('pt-BR');
    expect(
      renderMessage({ ...base, channel: 'sms', locale: 'fr-FR', jurisdiction: 'FR', currency: 'EUR' }).locale
    ).toBe('en-US');
  });

  describe('Brazil, CDC art. 42-A', () => {
    const joao = { ...base, debtorName: 'João Silva', locale: 'pt-BR', jurisdiction: 'BR', currency: 'BRL' } as const;

    it('puts the creditor name, address and CPF/CNPJ in every SMS and email', () => {
      const line = 'Credor: Aurora Crédito Ltda., Av. Paulista, 1000, São Paulo - SP, CPF/CNPJ 12.345.678/0001-90';
      for (const template of MESSAGE_TEMPLATE_KEYS) {
        const sms = renderMessage({ ...joao, template, channel: 'sms', creditor: creditorBR });
        const email = renderMessage({ ...joao, template, channel: 'email', creditor: creditorBR });
        expect(sms.kind === 'text' && sms.body).toContain(line);
        expect(email.kind === 'email' && email.text).toContain(line);
      }
    });

    it('applies by jurisdiction even when the debtor reads English', () => {
      const sms = renderMessage({ ...joao, locale: 'en-US', channel: 'sms', creditor: creditorBR });
      expect(sms.kind === 'text' && sms.body).toContain(
        'Aurora Crédito Ltda., Av. Paulista, 1000, São Paulo - SP, Tax ID 12.345.678/0001-90'
      );
    });

    it('follows the account’s policy snapshot: a send flagged requiresCreditorIdentification carries the full line', () => {
      const sms = renderMessage({
        ...joao,
        jurisdiction: 'BR-SP',
        requiresCreditorIdentification: true,
        channel: 'sms',
        creditor: creditorBR,
      });
      expect(sms.kind === 'text' && sms.body).toContain('CPF/CNPJ 12.345.678/0001-90');
      const mx = renderMessage({
        ...base,
        locale: 'es-MX',
        jurisdiction: 'MX',
        currency: 'MXN',
        channel: 'sms',
        creditor: creditorBR,
      });
      expect(mx.kind === 'text' && mx.body).not.toContain('CPF/CNPJ');
    });

    it('refuses, as misconfigured, a message without the creditor address and CPF/CNPJ', () => {
      expect(() => renderMessage({ ...joao, channel: 'sms', creditor: { name: 'Aurora Crédito Ltda.' } })).toThrow(
        expect.objectContaining({
          code: 'creditor_identification_missing',
          message: expect.stringContaining('missing: address, taxId (CPF/CNPJ)') as unknown,
        })
      );
      expect(() => renderMessage({ ...joao, channel: 'email' })).toThrow(/CDC art\. 42-A/);
    });
  });

  it('refuses an email without an unsubscribe link', () => {
    const { unsubscribeUrl: _omit, ...noUrl } = base;
    expect(() =>
      renderMessage({ ...noUrl, channel: 'email', locale: 'en-US', jurisdiction: 'US', currency: 'USD' })
    ).toThrow(expect.objectContaining({ code: 'unsubscribe_url_missing' }));
  });

  it('refuses a template that is not a message (agent tasks send nothing)', () => {
    expect(() =>
      renderMessage({
        ...base,
        template: 'agent_call_unpaid',
        channel: 'sms',
        locale: 'es-MX',
        jurisdiction: 'MX',
        currency: 'MXN',
      })
    ).toThrow(expect.objectContaining({ code: 'unknown_template' }));
  });

  it('escapes markup in html but leaves the plain text as written', () => {
    const email = renderMessage({
      ...base,
      debtorName: '<img src=x onerror=alert(1)>',
      paymentLink: 'https://pay.example.com/?a=1&b="2"',
      channel: 'email',
      locale: 'en-US',
      jurisdiction: 'US',
      currency: 'USD',
    });
    if (email.kind !== 'email') throw new Error('expected an email');
    expect(email.text).toContain('Hi <img src=x onerror=alert(1)>,');
    expect(email.html).toContain('<p>Hi &lt;img src=x onerror=alert(1)&gt;,</p>');
    expect(email.html).toContain('<a href="https://pay.example.com/?a=1&amp;b=&quot;2&quot;">');
    expect(email.html).not.toContain('<img');
  });
});

describe('a message offering an early-payment discount', () => {
  const discount = { amountMinor: 135_000, validUntil: '2026-03-20' };

  it('says in the SMS what to pay and by when to settle, before the link (es-MX)', () => {
    const rendered = renderMessage({
      ...base,
      channel: 'sms',
      locale: 'es-MX',
      jurisdiction: 'MX',
      currency: 'MXN',
      discount,
    });
    expect(rendered.kind === 'text' && rendered.body).toContain(
      'Si pagas $1,350.00 a más tardar el 20/03/2026, tu deuda queda saldada. Paga aquí: https://pay.example.com/acc-1'
    );
  });

  it('gives the offer its own paragraph in the email, with the date in words (pt-BR)', () => {
    const rendered = renderMessage({
      ...base,
      channel: 'email',
      locale: 'pt-BR',
      jurisdiction: 'BR',
      currency: 'BRL',
      creditor: creditorBR,
      discount,
    });
    expect(rendered.kind === 'email' && rendered.text).toMatch(
      // Email keeps the locale's no-break space between R$ and the amount.
      /\n\nPagando R\$\s1\.350,00 até 20 de março de 2026, sua dívida fica quitada\.\n\n/
    );
  });

  it('says nothing of a discount when the message offers none', () => {
    const rendered = renderMessage({ ...base, channel: 'sms', locale: 'en-US', jurisdiction: 'US', currency: 'USD' });
    expect(rendered.kind === 'text' && rendered.body).not.toMatch(/settled/);
  });
});
