import { html, type SafeHtml } from '../web/html';
import type { UiLanguage } from '../web/locale';
import { pageLayout } from '../web/page-layout';
import type { ConsoleSession } from './session';
import type { Translate } from './translator';

export const CONSOLE_BASE = '/console';
export const CONSOLE_STYLESHEET = `${CONSOLE_BASE}/assets/console.css`;

/** What every console page is rendered with: the agent's language and, once signed in, the session and its token. */
export interface ConsoleView {
  language: UiLanguage;
  t: Translate;
  session?: ConsoleSession;
  csrf?: string;
}

/** A console page: the shared layout with the console's navigation and the signed-in agent. */
export function consolePage(view: ConsoleView, title: string, body: SafeHtml): string {
  const { t, session } = view;
  const nav = session
    ? html`<nav aria-label="${t('nav.queue')}">
        <a href="${CONSOLE_BASE}/queue">${t('nav.queue')}</a>
        <span class="muted">${t('nav.signedInAs', { agent: session.agent })}</span>
        <form class="inline" method="post" action="${CONSOLE_BASE}/sign-out">
          ${csrfField(view)}
          <button type="submit" class="secondary">${t('nav.signOut')}</button>
        </form>
      </nav>`
    : undefined;
  return pageLayout(
    {
      language: view.language,
      title,
      brand: t('app.name'),
      skipLabel: t('nav.skip'),
      stylesheet: CONSOLE_STYLESHEET,
      ...(nav && { nav }),
    },
    body
  );
}

/** The hidden field every form posts its CSRF token in. */
export function csrfField(view: ConsoleView): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${view.csrf ?? ''}" />`;
}

/** A success or error notice, announced to screen readers. */
export function notice(kind: 'ok' | 'error', text: string | undefined): SafeHtml {
  if (!text) return html``;
  return html`<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`;
}
