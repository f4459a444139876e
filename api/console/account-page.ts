import { formatAmount, formatShortDate } from '../../activities/messaging/templates/format-values';
import { AGENT_CONTACT_OUTCOMES, OPT_OUT_SOURCES } from '../../workflows/engine/account-events';
import type { Account } from '../../workflows/engine/account';
import type { PaymentInput } from '../../workflows/engine/account-events';
import type { Ladder } from '../../workflows/engine/ladder';
import type { DunningStatus } from '../../workflows/messages';
import { formatLocalIso } from '../../workflows/engine/zoned-time';
import type { AgentTaskView } from '../store';
import { html, type SafeHtml } from '../web/html';
import { CONSOLE_BASE, consolePage, csrfField, notice, type ConsoleView } from './console-view';
import { maskEmail, maskName, maskPhone } from './masking';
import { majorAmountText } from './money-input';
import { callText } from './queue-page';
import type { TimelineEntry } from './timeline';

/** Which form a field error belongs to, the field as the engine names it, and why. */
export interface FormError {
  form: 'promise' | 'agreement' | 'dispute' | 'optOut' | 'note' | 'complete';
  field: string;
  message: string;
}

export interface AccountPageInput {
  account: Account;
  ladder: Ladder | undefined;
  zone: string;
  /** The workflow's own answer; null when it did not answer in time. */
  status: DunningStatus | null;
  payments: readonly PaymentInput[];
  timeline: readonly TimelineEntry[];
  tasks: readonly AgentTaskView[];
  revealed: boolean;
  /** The dates a promise may take, in the debtor's calendar. */
  promiseDates: { min: string; max: string };
  locale: string;
  now: number;
  done?: string;
  error?: string;
  formError?: FormError;
  /** What the agent typed, shown again with a field error. */
  values?: Record<string, string>;
}

const OPT_OUT_CHANNELS = ['sms', 'whatsapp', 'email', 'call', 'all'] as const;
/** How an agent receives an opt-out: in the call, by letter, or on the agent's own initiative. */
const AGENT_OPT_OUT_SOURCES = OPT_OUT_SOURCES.filter((s) => s === 'phone' || s === 'letter' || s === 'agent');

/** The account page: who, how much, where the ladder is, its whole story, and the actions an agent may take. */
export function accountPage(view: ConsoleView, input: AccountPageInput): string {
  const { t } = view;
  const { account } = input;
  const currency = account.balance.currency;
  const money = (minor: number) => formatAmount(minor, currency, input.locale);
  const balance = input.status?.balance.amountMinor ?? account.balance.amountMinor;
  const body = html`<h1>${t('account.title', { id: account.id })}</h1>
    ${notice('ok', input.done)} ${notice('error', input.error)}
    ${input.formError ? notice('error', t('actions.fieldError')) : html``}
    <div class="grid">
      ${debtorCard(view, input)}
      <section class="card" aria-labelledby="balance-h">
        <h2 id="balance-h">${t('account.balance')}</h2>
        <dl class="facts">
          <dt>${t('account.balance')}</dt>
          <dd data-testid="balance">${money(balance)}</dd>
          <dt>${t('account.paid')}</dt>
          <dd>${money(input.status?.paidMinor ?? 0)}</dd>
          <dt>${t('account.dueDate')}</dt>
          <dd>${formatShortDate(account.dueDate, input.locale)}</dd>
          ${
            account.creditor
              ? html`<dt>${t('account.creditor')}</dt>
                  <dd>${account.creditor.name}</dd>`
              : html``
          }
        </dl>
        <h3>${t('account.payments')}</h3>
        ${
          input.payments.length === 0
            ? html`<p class="muted">${t('account.noPayments')}</p>`
            : html`<ul>
                ${input.payments.map(
                  (p) =>
                    html`<li>
                      ${money(p.amountMinor)} · ${p.paymentId}
                      ${p.paidAt ? html` · ${formatLocalIso(input.zone, Date.parse(p.paidAt)).slice(0, 16)}` : html``}
                    </li>`
                )}
              </ul>`
        }
      </section>
      ${ladderCard(view, input)} ${tasksCard(view, input)}
    </div>
    <h2 id="actions-h">${t('actions.title')}</h2>
    <div class="grid">
      ${promiseForm(view, input)} ${agreementForm(view, input, money(balance))} ${disputeForm(view, input)}
      ${optOutForm(view, input)} ${noteForm(view, input)}
    </div>
    ${timelineTable(view, input)}`;
  return consolePage(view, t('account.title', { id: account.id }), body);
}

function debtorCard(view: ConsoleView, input: AccountPageInput): SafeHtml {
  const { t } = view;
  const d = input.account.debtor;
  const shown = input.revealed
    ? { name: d.name, phone: d.phone ?? '—', email: d.email ?? '—' }
    : { name: maskName(d.name), phone: maskPhone(d.phone), email: maskEmail(d.email) };
  return html`<section class="card" aria-labelledby="debtor-h">
    <h2 id="debtor-h">${t('account.debtor')}</h2>
    <dl class="facts">
      <dt>${t('account.name')}</dt>
      <dd data-testid="debtor-name">${shown.name}</dd>
      <dt>${t('account.phone')}</dt>
      <dd>${shown.phone}</dd>
      <dt>${t('account.email')}</dt>
      <dd>${shown.email}</dd>
      <dt>${t('account.zone')}</dt>
      <dd>${input.zone} · ${d.jurisdiction}</dd>
    </dl>
    ${
      input.revealed
        ? html`<p class="muted" role="status">${t('account.revealed')}</p>`
        : html`<form method="post" action="${accountUrl(input, 'reveal')}">
            ${csrfField(view)}
            <button type="submit" class="secondary">${t('account.reveal')}</button>
          </form>`
    }
  </section>`;
}

function ladderCard(view: ConsoleView, input: AccountPageInput): SafeHtml {
  const { t } = view;
  const s = input.status;
  return html`<section class="card" aria-labelledby="ladder-h">
    <h2 id="ladder-h">${t('account.ladder')}</h2>
    ${
      s
        ? html`<dl class="facts">
            <dt>${t('account.ladder')}</dt>
            <dd>${s.ladder.id} v${s.ladder.version}</dd>
            <dt>${t('account.status')}</dt>
            <dd data-testid="account-status">${s.status.replace(/_/g, ' ')}</dd>
            <dt>${t('account.step')}</dt>
            <dd>${s.stage}</dd>
            ${
              s.nextAction
                ? html`<dt>${t('account.next')}</dt>
                    <dd>${s.nextAction.step} · ${s.nextAction.local.slice(0, 16).replace('T', ' ')}</dd>`
                : html``
            }
            ${
              s.waitReason
                ? html`<dt>${t('account.waitingLabel')}</dt>
                    <dd>
                      ${s.waitReason.detail}
                      ${s.waitReason.rule ? html`<div class="muted">${s.waitReason.rule}</div>` : html``}
                    </dd>`
                : html``
            }
          </dl>`
        : html`<p class="notice error" role="alert">${t('account.statusUnavailable')}</p>`
    }
    ${
      input.ladder
        ? html`<ol>
            ${input.ladder.steps.map(
              (step) =>
                html`<li ${s?.stage === step.id ? html`aria-current="step"` : html``}>
                  ${s?.stage === step.id ? html`<strong>${step.id}</strong>` : step.id}
                </li>`
            )}
          </ol>`
        : html``
    }
  </section>`;
}

function tasksCard(view: ConsoleView, input: AccountPageInput): SafeHtml {
  const { t } = view;
  if (input.tasks.length === 0) return html``;
  return html`<section class="card" aria-labelledby="tasks-h">
    <h2 id="tasks-h">${t('account.tasks')}</h2>
    ${input.tasks.map(
      (task) =>
        html`<div data-task="${task.id}">
          <p>
            <strong>${task.reason.replace(/_/g, ' ')}</strong> · ${t(`status.${task.status}`)}
            ${task.assignee ? html` · ${task.assignee}` : html``}<br />
            <span class="muted">${callText(t, task.call, input.now)}</span>
          </p>
          ${
            task.status === 'open'
              ? html`<form method="post" action="${CONSOLE_BASE}/tasks/${encodeURIComponent(task.id)}/claim">
                  ${csrfField(view)}<button type="submit">${t('queue.claim')}</button>
                </form>`
              : html``
          }
          ${
            task.status === 'claimed' && task.assignee === view.session?.agent
              ? html`<form method="post" action="${CONSOLE_BASE}/tasks/${encodeURIComponent(task.id)}/complete">
                  ${csrfField(view)}
                  <label for="outcome-${task.id}">${t('complete.outcome')}</label>
                  <select id="outcome-${task.id}" name="outcome">
                    ${AGENT_CONTACT_OUTCOMES.map((o) => html`<option value="${o}">${o.replace(/_/g, ' ')}</option>`)}
                  </select>
                  <label for="complete-note-${task.id}">${t('complete.note')}</label>
                  <textarea id="complete-note-${task.id}" name="note" maxlength="1000"></textarea>
                  <p><button type="submit">${t('complete.submit')}</button></p>
                </form>`
              : html``
          }
        </div>`
    )}
  </section>`;
}

/** A labelled input with its error, when the error names it. */
function field(
  input: AccountPageInput,
  spec: { form: FormError['form']; field: string; id: string; name: string; label: string; hint?: string },
  control: (attrs: SafeHtml) => SafeHtml
): SafeHtml {
  const error = input.formError?.form === spec.form && input.formError.field === spec.field ? input.formError : null;
  const described = [spec.hint ? `${spec.id}-hint` : '', error ? `${spec.id}-error` : ''].filter(Boolean).join(' ');
  const attrs = html`id="${spec.id}" name="${spec.name}" ${error ? html`aria-invalid="true"` : html``}
  ${described ? html`aria-describedby="${described}"` : html``}`;
  return html`<div>
    <label for="${spec.id}">${spec.label}</label>
    ${control(attrs)} ${spec.hint ? html`<div id="${spec.id}-hint" class="muted">${spec.hint}</div>` : html``}
    ${error ? html`<p id="${spec.id}-error" class="field-error">${error.message}</p>` : html``}
  </div>`;
}

function rootError(input: AccountPageInput, form: FormError['form']): SafeHtml {
  const e = input.formError;
  return e && e.form === form && (e.field === '(root)' || e.field === 'installments')
    ? html`<p class="field-error" role="alert">${e.message}</p>`
    : html``;
}

function promiseForm(view: ConsoleView, input: AccountPageInput): SafeHtml {
  const { t } = view;
  const currency = input.account.balance.currency;
  const v = input.values ?? {};
  const balance = input.status?.balance.amountMinor ?? input.account.balance.amountMinor;
  return html`<section class="card" aria-labelledby="promise-h">
    <h2 id="promise-h">${t('promise.title')}</h2>
    ${rootError(input, 'promise')}
    <form method="post" action="${accountUrl(input, 'promise')}">
      ${csrfField(view)}
      <div class="row">
        ${field(
          input,
          {
            form: 'promise',
            field: 'amountMinor',
            id: 'promise-amount',
            name: 'amount',
            label: t('promise.amount', { currency }),
          },
          (attrs) =>
            html`<input
              ${attrs}
              inputmode="decimal"
              required
              value="${v.amount ?? majorAmountText(balance, currency)}"
            />`
        )}
        ${field(
          input,
          {
            form: 'promise',
            field: 'date',
            id: 'promise-date',
            name: 'date',
            label: t('promise.date'),
            hint: t('promise.dateHint', {
              min: formatShortDate(input.promiseDates.min, input.locale),
              max: formatShortDate(input.promiseDates.max, input.locale),
            }),
          },
          (attrs) =>
            html`<input
              ${attrs}
              type="date"
              required
              min="${input.promiseDates.min}"
              max="${input.promiseDates.max}"
              value="${v.date ?? ''}"
            />`
        )}
      </div>
      <p><button type="submit">${t('promise.submit')}</button></p>
    </form>
  </section>`;
}

const AGREEMENT_ROWS = 4;

function agreementForm(view: ConsoleView, input: AccountPageInput, balanceText: string): SafeHtml {
  const { t } = view;
  const currency = input.account.balance.currency;
  const v = input.values ?? {};
  const rows = Array.from({ length: AGREEMENT_ROWS }, (_, i) => i);
  return html`<section class="card" aria-labelledby="agreement-h">
    <h2 id="agreement-h">${t('agreement.title')}</h2>
    <p class="muted">${t('agreement.hint', { balance: balanceText })}</p>
    ${rootError(input, 'agreement')}
    <form method="post" action="${accountUrl(input, 'agreement')}">
      ${csrfField(view)}
      ${rows.map(
        (i) =>
          html`<fieldset>
            <legend>${t('agreement.installment', { n: i + 1 })}</legend>
            <div class="row">
              ${field(
                input,
                {
                  form: 'agreement',
                  field: `installments[${i}].dueDate`,
                  id: `installment-${i}-date`,
                  name: `date${i}`,
                  label: t('agreement.dueDate'),
                },
                (attrs) =>
                  html`<input ${attrs} type="date" min="${input.promiseDates.min}" value="${v[`date${i}`] ?? ''}" />`
              )}
              ${field(
                input,
                {
                  form: 'agreement',
                  field: `installments[${i}].amountMinor`,
                  id: `installment-${i}-amount`,
                  name: `amount${i}`,
                  label: t('agreement.amount', { currency }),
                },
                (attrs) => html`<input ${attrs} inputmode="decimal" value="${v[`amount${i}`] ?? ''}" />`
              )}
            </div>
          </fieldset>`
      )}
      <p><button type="submit">${t('agreement.submit')}</button></p>
    </form>
  </section>`;
}

function disputeForm(view: ConsoleView, input: AccountPageInput): SafeHtml {
  const { t } = view;
  const open = input.status?.dispute.open === true;
  return html`<section class="card" aria-labelledby="dispute-h">
    <h2 id="dispute-h">${t('dispute.title')}</h2>
    ${
      open
        ? html`<p>${t('dispute.isOpen')}</p>
            <form method="post" action="${accountUrl(input, 'dispute-resolution')}">
              ${csrfField(view)}
              <label for="dispute-outcome">${t('dispute.outcome')}</label>
              <select id="dispute-outcome" name="outcome">
                <option value="rejected">${t('dispute.rejected')}</option>
                <option value="upheld">${t('dispute.upheld')}</option>
              </select>
              <p><button type="submit">${t('dispute.resolveSubmit')}</button></p>
            </form>`
        : html`<form method="post" action="${accountUrl(input, 'dispute')}">
            ${csrfField(view)}
            ${field(
              input,
              { form: 'dispute', field: 'reason', id: 'dispute-reason', name: 'reason', label: t('dispute.reason') },
              (attrs) => html`<textarea ${attrs} maxlength="500"></textarea>`
            )}
            <p><button type="submit">${t('dispute.openSubmit')}</button></p>
          </form>`
    }
  </section>`;
}

function optOutForm(view: ConsoleView, input: AccountPageInput): SafeHtml {
  const { t } = view;
  return html`<section class="card" aria-labelledby="optout-h">
    <h2 id="optout-h">${t('optOut.title')}</h2>
    <form method="post" action="${accountUrl(input, 'opt-out')}">
      ${csrfField(view)}
      <label for="optout-channel">${t('optOut.channel')}</label>
      <select id="optout-channel" name="channel">
        ${OPT_OUT_CHANNELS.map((c) => html`<option value="${c}">${c === 'all' ? t('optOut.all') : c}</option>`)}
      </select>
      <label for="optout-source">${t('optOut.source')}</label>
      <select id="optout-source" name="source">
        ${AGENT_OPT_OUT_SOURCES.map((s) => html`<option value="${s}">${s}</option>`)}
      </select>
      <p><button type="submit">${t('optOut.submit')}</button></p>
    </form>
  </section>`;
}

function noteForm(view: ConsoleView, input: AccountPageInput): SafeHtml {
  const { t } = view;
  return html`<section class="card" aria-labelledby="note-h">
    <h2 id="note-h">${t('note.title')}</h2>
    <form method="post" action="${accountUrl(input, 'note')}">
      ${csrfField(view)}
      ${field(
        input,
        { form: 'note', field: 'text', id: 'note-text', name: 'text', label: t('note.text') },
        (attrs) => html`<textarea ${attrs} required maxlength="2000"></textarea>`
      )}
      <p><button type="submit">${t('note.submit')}</button></p>
    </form>
  </section>`;
}

function timelineTable(view: ConsoleView, input: AccountPageInput): SafeHtml {
  const { t } = view;
  return html`<h2 id="timeline-h">${t('account.timeline')}</h2>
    ${
      input.timeline.length === 0
        ? html`<p class="muted">${t('account.timeline.empty')}</p>`
        : html`<div class="scroll">
            <table aria-labelledby="timeline-h" data-testid="timeline">
              <thead>
                <tr>
                  <th scope="col">${t('account.timeline.when')}</th>
                  <th scope="col">${t('account.timeline.what')}</th>
                  <th scope="col">${t('account.timeline.why')}</th>
                  <th scope="col">${t('account.timeline.rule')}</th>
                </tr>
              </thead>
              <tbody>
                ${input.timeline.map(
                  (e) =>
                    html`<tr>
                      <td>${formatLocalIso(input.zone, e.at.getTime()).slice(0, 16).replace('T', ' ')}</td>
                      <td>
                        ${e.what}
                        <div class="muted">${e.actor}</div>
                      </td>
                      <td>${e.why}</td>
                      <td>${e.rule ?? ''}</td>
                    </tr>`
                )}
              </tbody>
            </table>
          </div>`
    }`;
}

function accountUrl(input: AccountPageInput, action: string): string {
  return `${CONSOLE_BASE}/accounts/${encodeURIComponent(input.account.id)}/${action}`;
}
