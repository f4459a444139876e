import { escapeHtml } from '../../activities/messaging/templates/html-escape';

/** Markup that is already safe to send: built by `html`, or trusted on purpose with `raw`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolated = SafeHtml | string | number | boolean | null | undefined | readonly Interpolated[];

function render(value: Interpolated): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * Server-rendered HTML with every interpolated value escaped, unless it is itself `html` (nested templates,
 * lists of them) or `raw`: the one way pages are built, so debtor names or notes can never become markup.
 */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Markup written by us, not data: inline SVG, a pre-built fragment. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
