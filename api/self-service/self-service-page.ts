import { formatAmount, formatLongDate } from '../../activities/messaging/templates/format-values';
import type { PaymentInput } from '../../workflows/engine/account-events';
import type { Account, Creditor } from '../../workflows/engine/account';
import type { InstallmentOffer } from '../../workflows/engine/installment-offers';
import type { DunningStatus } from '../../workflows/messages';
import { majorAmountText } from '../console/money-input';
import { html, type SafeHtml } from '../web/html';
import type { UiLanguage } from '../web/locale';
import { pageLayout } from '../web/page-layout';
import type { TranslateWith } from '../web/translator';
import type { SelfServiceMessageKey } from './messages-en';

export const SELF_SERVICE_STYLESHEET = '/p/assets/self-service.css';

export interface SelfServiceView {
  language: UiLanguage;
  /** The BCP 47 locale amounts and dates are written in: the debtor's own (es-CO, pt-BR, en-US). */
  locale: string;
  t: TranslateWith<SelfServiceMessageKey>;
}

/** A field the rules refused, and the words to show next to it. */
export interface SelfServiceFormError {
  form: 'promise' | 'plan' | 'dispute' | 'prefs';
  field: string;
  message: string;
}

export interface SelfServicePageInput {
  /** The signed link's path: every form posts back under it. */
  linkPath: string;
  account: Account;
  creditor: Creditor | undefined;
  /** The workflow's status; null when Temporal could not be asked (the page still shows what the API recorded). */
  status: DunningStatus | null;
  payments: PaymentInput[];
  promiseDates: { min: string; max: string };
  offers: InstallmentOffer[];
  done?: string;
  error?: string;
  formError?: SelfServiceFormError;
}

const CHANNELS = ['sms', 'whatsapp', 'email'] as const;

/**
 * The debtor's page, phone first: who they owe and how much, a Pay button, and what they can do themselves (promise
 * to pay, choose a plan, say they do not recognise the debt, stop messages). Plain forms: it works without scripts.
 */
export function selfServicePage(view: SelfServiceView, input: SelfServicePageInput): string {
  const { t } = view;
  const { account, status } = input;
  const currency = account.balance.currency;
  const money = (minor: number) => formatAmount(minor, currency, view.locale);
  const date = (iso: string) => formatLongDate(iso, view.locale);
  const balance = status?.balance.amountMinor ?? account.balance.amountMinor;
  const creditorName = input.creditor?.name ?? account.id;
  const closed = status?.commitments.closed ?? null;
  const disputed = status?.dispute.open ?? false;
  const agreement = status?.agreement?.status === 'active' ? status.agreement : null;
  const promise = status?.promises.find((p) => p.status === 'open');
  const canCommit = status !== null && !closed && !disputed && balance > 0;

  const body = html`<h1>${t('page.title', { creditor: creditorName })}</h1>
    ${notice('ok', input.done)} ${notice('error', input.error)}
    ${closed ? notice('ok', t('status.closed', { status: closed.replace(/_/g, ' ') })) : html``}
    ${disputed ? notice('ok', t('status.dispute')) : html``}
    ${promise ? notice('ok', t('status.promise', { amount: money(promise.amountMinor), date: date(promise.date) })) : html``}
    ${agreementNotice(view, agreement, money, date)}
    <section class="card" aria-labelledby="balance-h">
      <h2 id="balance-h">${t('balance.title')}</h2>
      <p class="amount" data-testid="balance">${money(balance)}</p>
      ${
        status?.discountOffer && !closed
          ? html`<p class="notice ok" data-testid="discount-offer">
              ${t('discount.offer', {
                amount: money(status.discountOffer.amountMinor),
                date: date(status.discountOffer.validUntil),
              })}
            </p>`
          : html``
      }
      <dl class="facts">
        <dt>${t('balance.dueDate')}</dt>
        <dd>${date(account.dueDate)}</dd>
        <dt>${t('balance.paid')}</dt>
        <dd>${money(status?.paidMinor ?? input.payments.reduce((s, p) => s + p.amountMinor, 0))}</dd>
      </dl>
      ${
        balance <= 0
          ? html`<p>${t('balance.none')}</p>`
          : account.paymentLink
            ? html`<p>
                <a class="button" href="${account.paymentLink}"
                  >${t('pay.button', {
                    amount: money(status?.discountOffer?.amountMinor ?? balance),
                  })}</a
                >
              </p>`
            : html`<p class="muted">${t('pay.unavailable')}</p>`
      }
      <h3>${t('payments.title')}</h3>
      ${
        input.payments.length === 0
          ? html`<p class="muted">${t('payments.none')}</p>`
          : html`<ul data-testid="payments">
              ${input.payments.map(
                (p) =>
                  html`<li>${money(p.amountMinor)}${p.paidAt ? html` · ${date(p.paidAt.slice(0, 10))}` : html``}</li>`
              )}
            </ul>`
      }
    </section>
    ${canCommit && !agreement ? promiseForm(view, input, balance) : html``}
    ${canCommit && !agreement ? planForms(view, input, money, date) : html``}
    ${!closed && !disputed ? disputeForm(view, input) : html``} ${closed ? html`` : prefsForm(view, input)}
    ${creditorCard(view, input)}`;
  return pageLayout(
    {
      language: view.language,
      title: t('page.title', { creditor: creditorName }),
      brand: t('app.name'),
      skipLabel: t('nav.skip'),
      stylesheet: SELF_SERVICE_STYLESHEET,
    },
    body
  );
}

/** A page that only explains why the link does not open an account (forged, expired, unknown). */
export function linkProblemPage(view: SelfServiceView, title: string, text: string): string {
  return pageLayout(
    {
      language: view.language,
      title,
      brand: view.t('app.name'),
      skipLabel: view.t('nav.skip'),
      stylesheet: SELF_SERVICE_STYLESHEET,
    },
    html`<h1>${title}</h1>
      <p>${text}</p>`
  );
}

function agreementNotice(
  view: SelfServiceView,
  agreement: DunningStatus['agreement'],
  money: (m: number) => string,
  date: (d: string) => string
): SafeHtml {
  if (!agreement) return html``;
  const next = agreement.installments.find((i) => i.status === 'pending');
  if (!next) return html``;
  return notice(
    'ok',
    view.t('status.agreement', {
      count: agreement.installments.length,
      amount: money(next.amountMinor),
      date: date(next.dueDate),
    })
  );
}

function promiseForm(view: SelfServiceView, input: SelfServicePageInput, balance: number): SafeHtml {
  const { t } = view;
  const currency = input.account.balance.currency;
  const { min, max } = input.promiseDates;
  const err = input.formError?.form === 'promise' ? input.formError : undefined;
  return html`<section class="card" aria-labelledby="promise-h">
    <h2 id="promise-h">${t('promise.title')}</h2>
    <p>${t('promise.intro')}</p>
    <form method="post" action="${input.linkPath}/promise" novalidate>
      ${field({
        id: 'promise-amount',
        name: 'amount',
        label: t('promise.amount', { currency }),
        type: 'text',
        inputmode: 'decimal',
        value: majorAmountText(balance, currency),
        error: err?.field === 'amountMinor' ? err.message : undefined,
      })}
      ${field({
        id: 'promise-date',
        name: 'date',
        label: t('promise.date'),
        type: 'date',
        min,
        max,
        hint: t('promise.dateHint', {
          min: formatLongDate(min, view.locale),
          max: formatLongDate(max, view.locale),
        }),
        error: err && err.field !== 'amountMinor' ? err.message : undefined,
      })}
      <p><button type="submit">${t('promise.submit')}</button></p>
    </form>
  </section>`;
}

function planForms(
  view: SelfServiceView,
  input: SelfServicePageInput,
  money: (m: number) => string,
  date: (d: string) => string
): SafeHtml {
  const { t } = view;
  const err = input.formError?.form === 'plan' ? input.formError : undefined;
  return html`<section class="card" aria-labelledby="plan-h">
    <h2 id="plan-h">${t('plan.title')}</h2>
    ${err ? html`<p class="field-error" role="alert">${err.message}</p>` : html``}
    ${
      input.offers.length === 0
        ? html`<p class="muted">${t('plan.none')}</p>`
        : html`<p>${t('plan.intro')}</p>
            <ul class="plans">
              ${input.offers.map((offer) => {
                const first = offer.installments[0]!;
                const rest = offer.installments[1]!;
                const last = offer.installments[offer.installments.length - 1]!;
                return html`<li>
                  <form method="post" action="${input.linkPath}/plan">
                    <input type="hidden" name="count" value="${offer.count}" />
                    <p class="plan-title">
                      ${t('plan.option', { count: offer.count, amount: money(rest.amountMinor) })}
                    </p>
                    <p class="muted">
                      ${
                        first.amountMinor !== rest.amountMinor
                          ? html`${t('plan.firstAmount', { amount: money(first.amountMinor) })} · `
                          : html``
                      }
                      ${t('plan.schedule', { first: date(first.dueDate), last: date(last.dueDate) })}
                    </p>
                    <button
                      type="submit"
                      class="secondary"
                      aria-label="${t('plan.submit')}: ${t('plan.option', { count: offer.count, amount: money(rest.amountMinor) })}"
                    >
                      ${t('plan.submit')}
                    </button>
                  </form>
                </li>`;
              })}
            </ul>`
    }
  </section>`;
}

function disputeForm(view: SelfServiceView, input: SelfServicePageInput): SafeHtml {
  const { t } = view;
  const us = input.account.debtor.jurisdiction.startsWith('US');
  return html`<section class="card" aria-labelledby="dispute-h">
    <h2 id="dispute-h">${t('dispute.title')}</h2>
    <p>${t('dispute.intro')}</p>
    ${us ? html`<p class="muted" data-testid="validation-notice">${t('dispute.regF')}</p>` : html``}
    <form method="post" action="${input.linkPath}/dispute">
      <label for="dispute-reason">${t('dispute.reason')}</label>
      <textarea id="dispute-reason" name="reason" rows="3" maxlength="500"></textarea>
      <p><button type="submit" class="secondary">${t('dispute.submit')}</button></p>
    </form>
  </section>`;
}

function prefsForm(view: SelfServiceView, input: SelfServicePageInput): SafeHtml {
  const { t } = view;
  const channels = input.status?.channels;
  const open = CHANNELS.filter((c) => !channels || channels[c] === 'available');
  const stopped = CHANNELS.filter((c) => channels?.[c] === 'opted_out');
  return html`<section class="card" aria-labelledby="prefs-h">
    <h2 id="prefs-h">${t('prefs.title')}</h2>
    <p>${t('prefs.intro')}</p>
    ${stopped.length > 0 ? html`<p class="muted">${t('prefs.stopped')}: ${stopped.join(', ')}</p>` : html``}
    <form method="post" action="${input.linkPath}/opt-out">
      <label for="prefs-channel">${t('prefs.channel')}</label>
      <select id="prefs-channel" name="channel">
        ${open.map((c) => html`<option value="${c}">${c === 'whatsapp' ? 'WhatsApp' : c === 'sms' ? 'SMS' : 'Email'}</option>`)}
        <option value="all">${t('prefs.all')}</option>
      </select>
      <p><button type="submit" class="secondary">${t('prefs.submit')}</button></p>
    </form>
  </section>`;
}

function creditorCard(view: SelfServiceView, input: SelfServicePageInput): SafeHtml {
  const { t } = view;
  const c = input.creditor;
  if (!c) return html``;
  return html`<section class="card" aria-labelledby="creditor-h">
    <h2 id="creditor-h">${t('creditor.title')}</h2>
    <dl class="facts">
      <dt>${t('creditor.title')}</dt>
      <dd data-testid="creditor-name">${c.name}</dd>
      ${
        c.taxId
          ? html`<dt>${t('creditor.taxId')}</dt>
              <dd data-testid="creditor-tax-id">${c.taxId}</dd>`
          : html``
      }
      ${
        c.address
          ? html`<dt>${t('creditor.address')}</dt>
              <dd>${c.address}</dd>`
          : html``
      }
    </dl>
  </section>`;
}

interface FieldSpec {
  id: string;
  name: string;
  label: string;
  type: 'text' | 'date';
  value?: string;
  inputmode?: string;
  min?: string;
  max?: string;
  hint?: string;
  error?: string | undefined;
}

/** A labelled input with its hint and error tied to it for screen readers. */
function field(f: FieldSpec): SafeHtml {
  const described = [f.hint ? `${f.id}-hint` : '', f.error ? `${f.id}-error` : ''].filter(Boolean).join(' ');
  return html`<label for="${f.id}">${f.label}</label>
    <input
      id="${f.id}"
      name="${f.name}"
      type="${f.type}"
      ${f.value !== undefined ? html`value="${f.value}"` : html``}
      ${f.inputmode ? html`inputmode="${f.inputmode}"` : html``}
      ${f.min ? html`min="${f.min}"` : html``}
      ${f.max ? html`max="${f.max}"` : html``}
      ${described ? html`aria-describedby="${described}"` : html``}
      ${f.error ? html`aria-invalid="true"` : html``}
      required
    />
    ${f.hint ? html`<p id="${f.id}-hint" class="hint">${f.hint}</p>` : html``}
    ${f.error ? html`<p id="${f.id}-error" class="field-error">${f.error}</p>` : html``}`;
}

function notice(kind: 'ok' | 'error', text: string | undefined): SafeHtml {
  if (!text) return html``;
  return html`<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`;
}
