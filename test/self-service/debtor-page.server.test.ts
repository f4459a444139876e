import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfServicePath } from '../../activities/messaging/self-service-link';
import { emily } from '../../scenarios/personas';
import type { Account } from '../../workflows/engine/account';
import { defaultLadder } from '../../workflows/engine/ladder';
import { addDays } from '../../workflows/engine/zoned-time';
import { eventually, placed, statusOf, todayIn, useApiOnTemporal } from '../api/api-on-temporal';
import { conta, cuenta, PUBLIC_BASE_URL, TWILIO_TOKEN } from '../api/helpers';
import request from 'supertest';
import twilio from 'twilio';
import { hasChromium, launchChromium, SCREENSHOTS } from '../helpers/headless-chromium';
import { describeWithTemporal } from '../helpers/temporal-servers';

const TITLE = "the debtor's page behind a message's link, in headless Chromium on a phone, on a Temporal dev server";
const SECRET = 'enlace-secreto-de-pruebas-0123456789abcdef';

if (hasChromium()) describeWithTemporal(TITLE, (servers) => debtorPage(servers));
else describe.skip(`${TITLE} — skipped: no /usr/bin/chromium (apt-get install -y chromium)`, () => undefined);

/**
 * A debtor opens the link from a message on a phone and acts on the account, against the real API, workers and dev
 * server: each action reaches the workflow through the same Updates and signals an agent's do, audited as the
 * debtor's. Screenshots go to .data/screenshots/self-service-*.png.
 */
function debtorPage(servers: Parameters<typeof useApiOnTemporal>[0]): void {
  const bed = useApiOnTemporal(servers);
  let server: Server;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  const linkFor = (accountId: string, expiresAt = Math.floor(Date.now() / 1000) + 30 * 86_400) =>
    `${base}${selfServicePath(SECRET, { accountId, expiresAt })}`;

  /** A phone-sized browser speaking the debtor's language. */
  const phone = async (locale: string): Promise<Page> => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return page;
  };
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `self-service-${name}.png`), fullPage: true });
  const auditOf = (accountId: string) =>
    bed.database.db
      .selectFrom('audit_events')
      .select(['actor', 'action'])
      .where('account_id', '=', accountId)
      .where('actor', '=', 'debtor')
      .execute();

  beforeAll(async () => {
    const app = bed.appWith({ config: { unsubscribeSecret: SECRET } });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  describe('João, in São Paulo, opens his link', () => {
    let joao: Account;
    let page: Page;

    beforeAll(async () => {
      joao = await placed(
        bed,
        conta({
          dueDate: addDays(todayIn('America/Sao_Paulo'), 5),
          paymentLink: 'https://pagar.example.com.br/boleto/joao-001',
        })
      );
      page = await phone('pt-BR');
      await page.goto(linkFor(joao.id));
    });

    it('sees in Portuguese who he owes, with the CNPJ Brazil requires, the balance and a Pay button', async () => {
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Seu saldo com Banco Paulista S.A.');
      expect(await page.getByTestId('creditor-tax-id').textContent()).toBe('12.345.678/0001-95');
      expect((await page.getByTestId('balance').textContent())?.replace(/\s/g, ' ')).toBe('R$ 2.500,00');
      const pay = page.getByRole('link', { name: /^Pagar R\$/ });
      expect(await pay.getAttribute('href')).toBe('https://pagar.example.com.br/boleto/joao-001');
      await shot(page, 'phone');
    });

    it('fits the phone without sideways scrolling', async () => {
      // A string, evaluated in the page: this file is compiled without the DOM's types.
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth'
      );
      expect(overflow).toBeLessThanOrEqual(0);
    });

    it("the date field offers only the dates a promise may take: today to the ladder's horizon", async () => {
      const today = todayIn('America/Sao_Paulo');
      const date = page.locator('#promise-date');
      expect(await date.getAttribute('min')).toBe(today);
      expect(await date.getAttribute('max')).toBe(addDays(today, defaultLadder.promise.maxHorizonDays));
    });

    it('an amount that is not an amount is refused next to its field, and nothing is recorded', async () => {
      await page.getByLabel(/^Valor/).fill('dois mil');
      await page.getByRole('button', { name: 'Prometer o pagamento' }).click();

      expect(await page.locator('#promise-amount-error').textContent()).toContain('is not an amount');
      expect(await page.locator('#promise-amount').getAttribute('aria-invalid')).toBe('true');
      expect((await statusOf(bed, joao.id)).promises).toEqual([]);
    });

    it('promises to pay on a date the policy allows, and the workflow holds the ladder for it', async () => {
      const date = addDays(todayIn('America/Sao_Paulo'), 3);
      await page.getByLabel(/^Valor/).fill('2.500,00');
      await page.getByLabel('Vou pagar em').fill(date);
      await page.getByRole('button', { name: 'Prometer o pagamento' }).click();

      expect(await page.getByRole('status').first().textContent()).toContain('Registramos sua promessa');
      const status = await statusOf(bed, joao.id);
      expect(status.status).toBe('promise_open');
      expect(status.promises).toEqual([
        expect.objectContaining({ amountMinor: 2_500_00, date, agentId: 'debtor', status: 'open' }),
      ]);
      expect(await auditOf(joao.id)).toContainEqual({ actor: 'debtor', action: 'promise_made_by_debtor' });
    });

    it('on coming back, the page shows the promise he made', async () => {
      await page.goto(linkFor(joao.id));
      expect(await page.getByRole('status').first().textContent()).toMatch(/^Você prometeu pagar R\$\s2\.500,00 até /);
    });
  });

  describe('María, in Bogotá, chooses a plan', () => {
    it('picks three payments from the offers, and the workflow records the agreement', async () => {
      const maria = await placed(bed, cuenta({ dueDate: addDays(todayIn('America/Bogota'), -4) }));
      const page = await phone('es-CO');
      await page.goto(linkFor(maria.id));
      await shot(page, 'plans');

      await page.getByRole('button', { name: /^Elegir este plan: 3 pagos de/ }).click();

      expect(await page.getByRole('status').first().textContent()).toContain('Registramos tu plan de cuotas');
      const status = await eventually(async () => {
        const s = await statusOf(bed, maria.id);
        expect(s.status).toBe('in_agreement');
        return s;
      });
      const installments = status.agreement!.installments;
      expect(installments.map((i) => i.amountMinor)).toEqual([50_000_00, 50_000_00, 50_000_00]);
      expect(installments[0]!.dueDate).toBe(addDays(todayIn('America/Bogota'), 7));
      expect(status.agreement!.agentId).toBe('debtor');
      expect(await auditOf(maria.id)).toContainEqual({ actor: 'debtor', action: 'plan_chosen_by_debtor' });
    });
  });

  describe('Emily, in Massachusetts, does not recognise the debt', () => {
    it('reads the validation-notice language of Reg F and her dispute stops collection', async () => {
      const account = await placed(
        bed,
        emily('US-MA', {
          id: `acc-us-ma-emily-${Date.now().toString(36)}`,
          dueDate: addDays(todayIn('America/New_York'), -2),
          creditor: { name: 'Harbor Credit Union' },
        })
      );
      const page = await phone('en-US');
      await page.goto(linkFor(account.id));
      expect(await page.getByTestId('validation-notice').textContent()).toContain('12 CFR 1006.34');

      await page.getByLabel('What is wrong (optional)').fill('I never had an account with Harbor Credit Union');
      await page.getByRole('button', { name: 'I don’t recognise this debt' }).click();

      expect(await page.getByRole('status').first().textContent()).toContain('stopped collecting it');
      await eventually(async () => expect((await statusOf(bed, account.id)).status).toBe('disputed'));
      expect(await auditOf(account.id)).toContainEqual({ actor: 'debtor', action: 'dispute_opened' });
    });
  });

  describe('a debtor who wants fewer messages', () => {
    it('stops SMS from the page, and the workflow no longer uses that channel', async () => {
      const sofia = await placed(bed, cuenta({ dueDate: addDays(todayIn('America/Bogota'), 5) }));
      const page = await phone('es-CO');
      await page.goto(linkFor(sofia.id));
      await page.getByLabel('Canal').selectOption('sms');
      await page.getByRole('button', { name: 'Dejar de recibir estos mensajes' }).click();

      expect(await page.getByRole('status').first().textContent()).toContain('ya no te contactaremos por SMS');
      await eventually(async () => expect((await statusOf(bed, sofia.id)).channels.sms).toBe('opted_out'));
      expect(await auditOf(sofia.id)).toContainEqual({ actor: 'debtor', action: 'opt_out_received' });
    });
  });

  describe('SALDO and its siblings by text message', () => {
    /** Posts an inbound message the way Twilio does, signed over the public URL, and returns the TwiML reply. */
    const inbound = async (from: string, text: string) => {
      const path = '/webhooks/twilio/inbound';
      const params = {
        MessageSid: `SM${Math.random().toString(16).slice(2).padEnd(32, '0')}`,
        From: from,
        To: '+15005550006',
        Body: text,
      };
      const res = await request(base)
        .post(path)
        .type('form')
        .set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(TWILIO_TOKEN, PUBLIC_BASE_URL + path, params))
        .send(params);
      expect(res.status).toBe(200);
      expect(res.type).toBe('text/xml');
      return [...res.text.matchAll(/<Message>([^<]*)<\/Message>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    };
    const linkIn = (reply: string) => /(https?:\/\/\S+\/p\/\S+?)(#promise-h)?$/.exec(reply)?.[1];

    it('answers "Saldo?" from a Colombian number in Spanish, with the balance and a link that opens the page', async () => {
      const maria = await placed(bed, cuenta({ dueDate: '2026-11-20' }));
      const [reply, ...more] = await inbound(maria.debtor.phone!, 'Saldo?');

      expect(more).toEqual([]);
      expect(reply).toMatch(
        /^Financiera Andina S\.A\.S\.: tu saldo es \$\s?150\.000(,00)?, con vencimiento el 20\/11\/2026\. Consulta, paga o elige un plan: /
      );
      const link = linkIn(reply!)!.replace(PUBLIC_BASE_URL, base);
      expect((await fetch(link)).status).toBe(200);
      expect(await auditOf(maria.id)).toContainEqual({ actor: 'debtor', action: 'balance_requested' });
    });

    it('answers SALDO on WhatsApp from a Brazilian number in Portuguese', async () => {
      const joao = await placed(bed, conta({ dueDate: '2026-11-25' }));
      const [reply] = await inbound(`whatsapp:${joao.debtor.phone!}`, 'SALDO');
      expect(reply).toMatch(
        /^Banco Paulista S\.A\.: seu saldo é R\$\s2\.500,00, com vencimento em 25\/11\/2026\. Consulte, pague ou parcele: /
      );
    });

    it('answers BALANCE from a US number in English', async () => {
      const account = await placed(
        bed,
        emily('US-MA', {
          id: `acc-us-ma-emily-saldo-${Date.now().toString(36)}`,
          debtor: { ...emily('US-MA').debtor, phone: '+16175550199' },
          dueDate: '2026-11-30',
          creditor: { name: 'Harbor Credit Union' },
        })
      );
      const [reply] = await inbound(account.debtor.phone!, 'balance please');
      expect(reply).toMatch(
        /^Harbor Credit Union: your balance is \$1,245\.00, due 11\/30\/2026\. See it, pay or choose a plan: /
      );
    });

    it('answers PROMESA with the link to the promise on the page', async () => {
      const maria = await placed(bed, cuenta({ dueDate: '2026-11-20' }));
      const [reply] = await inbound(maria.debtor.phone!, 'promesa');
      expect(reply).toMatch(/^Financiera Andina S\.A\.S\.: elige el día en que pagarás .+: https?:\/\/\S+#promise-h$/);
      expect(await auditOf(maria.id)).toContainEqual({ actor: 'debtor', action: 'promise_requested' });
    });

    it('tells a number it does not know nothing at all', async () => {
      expect(await inbound('+573009999999', 'SALDO')).toEqual([]);
    });
  });

  describe('links that do not open an account', () => {
    it('an altered link is refused and shows nothing of the account', async () => {
      const account = await placed(bed, cuenta({ dueDate: addDays(todayIn('America/Bogota'), 5) }));
      const link = linkFor(account.id);
      const forged = link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
      const res = await fetch(forged);
      expect(res.status).toBe(404);
      const body = await res.text();
      expect(body).toContain('Este enlace no es válido');
      expect(body).not.toContain('Financiera Andina');
    });

    it('a link for another account with the same signature is refused', async () => {
      const a = await placed(bed, cuenta({ dueDate: addDays(todayIn('America/Bogota'), 5) }));
      const b = await placed(bed, cuenta({ dueDate: addDays(todayIn('America/Bogota'), 5) }));
      const swapped = linkFor(a.id).replace(encodeURIComponent(a.id), encodeURIComponent(b.id));
      expect((await fetch(swapped)).status).toBe(404);
    });

    it('an expired link says so, so the debtor can ask for a new one', async () => {
      const account = await placed(bed, cuenta({ dueDate: addDays(todayIn('America/Bogota'), 5) }));
      const res = await fetch(linkFor(account.id, Math.floor(Date.now() / 1000) - 60), {
        headers: { 'accept-language': 'es-CO' },
      });
      expect(res.status).toBe(410);
      expect(await res.text()).toContain('Este enlace venció');
    });

    it('never sends the link on to the payment page, nor lets it be cached', async () => {
      const account = await placed(bed, cuenta({ dueDate: addDays(todayIn('America/Bogota'), 5) }));
      const res = await fetch(linkFor(account.id));
      expect(res.status).toBe(200);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'none'");
    });
  });
}
