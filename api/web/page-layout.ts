import { html, type SafeHtml } from './html';
import type { UiLanguage } from './locale';

export interface PageChrome {
  language: UiLanguage;
  title: string;
  /** The product name in the header. */
  brand: string;
  skipLabel: string;
  /** Links and forms on the header's right (navigation, the signed-in agent, sign-out). */
  nav?: SafeHtml;
  /** After the shared base.css, served beside it. */
  stylesheet: string;
}

/** A whole page: language, viewport for phones and tablets, one stylesheet, a skip link, header and main. */
export function pageLayout(chrome: PageChrome, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="${chrome.language}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${chrome.title} · ${chrome.brand}</title>
        <link rel="stylesheet" href="${chrome.stylesheet.replace(/[^/]+$/, 'base.css')}" />
        <link rel="stylesheet" href="${chrome.stylesheet}" />
      </head>
      <body>
        <a class="skip" href="#main">${chrome.skipLabel}</a>
        <header class="top">
          <span class="brand">${chrome.brand}</span>
          ${chrome.nav}
        </header>
        <main id="main" tabindex="-1">${body}</main>
      </body>
    </html>`.value;
}
