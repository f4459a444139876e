import { formatAmount } from '../../activities/messaging/templates/format-values';
import type { AgentTaskCallView, AgentTaskView } from '../store';
import { html, type SafeHtml } from '../web/html';
import { CONSOLE_BASE, consolePage, csrfField, notice, type ConsoleView } from './console-view';
import { taskPriority } from './task-priority';
import type { Translate } from './translator';

export interface QueueFilters {
  jurisdiction?: string;
  status?: 'open' | 'claimed' | 'done';
  step?: string;
}

export interface QueuePageInput {
  tasks: readonly AgentTaskView[];
  filters: QueueFilters;
  jurisdictions: readonly string[];
  steps: readonly string[];
  now: number;
  locale: string;
  done?: string;
  error?: string;
}

/** The work queue: open tasks, most urgent first, filterable, each with its call window and a claim button. */
export function queuePage(view: ConsoleView, input: QueuePageInput): string {
  const { t } = view;
  const option = (value: string, label: string, selected: string | undefined) =>
    html`<option value="${value}" ${value === (selected ?? '') ? html`selected` : html``}>${label}</option>`;
  const select = (name: string, label: string, values: readonly [string, string][], selected: string | undefined) =>
    html`<div>
      <label for="${name}">${label}</label>
      <select id="${name}" name="${name}">
        ${option('', t('queue.filter.any'), selected)} ${values.map(([v, l]) => option(v, l, selected))}
      </select>
    </div>`;
  const rows = input.tasks.map((task) => queueRow(view, task, input.now, input.locale));
  return consolePage(
    view,
    t('queue.title'),
    html`<h1>${t('queue.title')}</h1>
      <p class="muted">${t('queue.intro')}</p>
      ${notice('ok', input.done)} ${notice('error', input.error)}
      <form class="filters" method="get" action="${CONSOLE_BASE}/queue">
        ${select(
          'jurisdiction',
          t('queue.filter.jurisdiction'),
          input.jurisdictions.map((j) => [j, j]),
          input.filters.jurisdiction
        )}
        ${select(
          'status',
          t('queue.filter.status'),
          (['open', 'claimed', 'done'] as const).map((s) => [s, t(`status.${s}`)]),
          input.filters.status
        )}
        ${select(
          'step',
          t('queue.filter.step'),
          input.steps.map((s) => [s, s]),
          input.filters.step
        )}
        <button type="submit" class="secondary">${t('queue.filter.apply')}</button>
      </form>
      ${
        rows.length === 0
          ? html`<p>${t('queue.empty')}</p>`
          : html`<div class="scroll">
              <table>
                <caption class="skip">
                  ${t('queue.title')}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">${t('queue.col.priority')}</th>
                    <th scope="col">${t('queue.col.account')}</th>
                    <th scope="col">${t('queue.col.reason')}</th>
                    <th scope="col">${t('queue.col.balance')}</th>
                    <th scope="col">${t('queue.col.call')}</th>
                    <th scope="col">${t('queue.col.status')}</th>
                    <th scope="col">${t('queue.col.action')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows}
                </tbody>
              </table>
            </div>`
      }`
  );
}

function queueRow(view: ConsoleView, task: AgentTaskView, now: number, locale: string): SafeHtml {
  const { t } = view;
  const { band } = taskPriority(task, now);
  const mine = task.assignee === view.session?.agent;
  return html`<tr data-task="${task.id}">
    <td class="band-${band}">${t(`priority.${band}`)}</td>
    <td>
      <a href="${CONSOLE_BASE}/accounts/${encodeURIComponent(task.accountId)}">${task.accountId}</a>
      <div class="muted">${task.jurisdiction} · ${task.taskKey}</div>
    </td>
    <td>${task.reason.replace(/_/g, ' ')}</td>
    <td>${formatAmount(task.balance.amountMinor, task.balance.currency, locale)}</td>
    <td>${callText(t, task.call, now)}</td>
    <td>
      ${t(`status.${task.status}`)}
      ${task.assignee && !mine ? html`<div class="muted">${t('queue.claimedBy', { agent: task.assignee })}</div>` : html``}
    </td>
    <td>
      ${
        task.status === 'open'
          ? html`<form class="inline" method="post" action="${CONSOLE_BASE}/tasks/${encodeURIComponent(task.id)}/claim">
              ${csrfField(view)}
              <button type="submit" aria-label="${t('queue.claim')} ${task.accountId}">${t('queue.claim')}</button>
            </form>`
          : html`<a href="${CONSOLE_BASE}/accounts/${encodeURIComponent(task.accountId)}">${t('queue.open')}</a>`
      }
    </td>
  </tr>`;
}

/** The call window in the debtor's local time (hh:mm), as the contact rules allow it. */
export function callText(t: Translate, call: AgentTaskCallView | null, now: number): string {
  if (!call) return '—';
  if (!call.allowed) return t('call.notAllowed', { reason: call.reason.replace(/_/g, ' ') });
  const hhmm = (local: string) => `${local.slice(0, 10)} ${local.slice(11, 16)} (${call.zone})`;
  return Date.parse(call.opensAt) <= now
    ? t('call.openNow', { until: hhmm(call.closesAtLocal) })
    : t('call.opensAt', { from: hhmm(call.opensAtLocal), until: hhmm(call.closesAtLocal) });
}
