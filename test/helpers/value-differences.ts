import { isDeepStrictEqual } from 'node:util';

/**
 * A value as the payload converter puts it on the wire and the activity receives it: JSON drops `undefined`
 * properties and turns a Date into its ISO string. Comparing in this form, as decoded objects rather than as JSON
 * text, makes key order irrelevant, as it is to the activity.
 */
export function asDecoded(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

const show = (value: unknown): string => (value === undefined ? '(absent)' : JSON.stringify(value));

/**
 * Where two decoded values differ, one line per path (`input[0].amountMinor: 150000 expected, got 100000`), so that
 * a mismatch names the field rather than printing two JSON texts to compare by eye. Empty when they are equal.
 */
export function differences(expected: unknown, actual: unknown, path = 'value'): string[] {
  if (isDeepStrictEqual(expected, actual)) return [];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const lines: string[] = [];
    if (expected.length !== actual.length)
      lines.push(`${path}: ${expected.length} items expected, got ${actual.length}`);
    for (let i = 0; i < Math.max(expected.length, actual.length); i++)
      lines.push(...differences(expected[i], actual[i], `${path}[${i}]`));
    return lines;
  }
  if (isRecord(expected) && isRecord(actual)) {
    const keys = [...Object.keys(expected), ...Object.keys(actual).filter((k) => !(k in expected))];
    return keys.flatMap((k) => differences(expected[k], actual[k], `${path}.${k}`));
  }
  return [`${path}: ${show(expected)} expected, got ${show(actual)}`];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
