import { html } from '../web/html';
import { CONSOLE_BASE, consolePage, notice, type ConsoleView } from './console-view';

/** The sign-in form: the agent's key is posted once, in the body, never in a URL. */
export function signInPage(view: ConsoleView, error?: string): string {
  const { t } = view;
  return consolePage(
    view,
    t('signIn.title'),
    html`<h1>${t('signIn.title')}</h1>
      <p>${t('signIn.intro')}</p>
      ${notice('error', error)}
      <form method="post" action="${CONSOLE_BASE}/sign-in">
        <label for="key">${t('signIn.key')}</label>
        <input
          id="key"
          name="key"
          type="password"
          autocomplete="current-password"
          required
          ${error ? html`aria-invalid="true" aria-describedby="key-error"` : html``}
        />
        ${error ? html`<p id="key-error" class="field-error">${error}</p>` : html``}
        <p><button type="submit">${t('signIn.submit')}</button></p>
      </form>`
  );
}
