/**
 * The variables every approved WhatsApp template (Twilio Content template, `HX…`) receives, numbered the same way
 * for every message template and locale so one set of approved templates fits the whole ladder:
 *
 * | variable | value                                                                          | example (es-MX)        |
 * | -------- | ------------------------------------------------------------------------------ | ---------------------- |
 * | `{{1}}`  | debtor's name                                                                  | Ana López              |
 * | `{{2}}`  | amount the message quotes, in the debtor's currency and locale                | $1,500.00              |
 * | `{{3}}`  | date the message refers to (due, promised or installment date), local format  | 15/03/2026             |
 * | `{{4}}`  | payment link                                                                   | https://pay.example/…  |
 * | `{{5}}`  | creditor identification: the catalog's creditor line (Brazil, CDC art. 42-A: name, address and CPF/CNPJ) | Financiera Aurora |
 *
 * The values are the ones the SMS text quotes (same formatting code), so a WhatsApp template and the SMS agree to
 * the character. The opt-out instruction is not a variable: it belongs in the approved template's own text.
 */
export const WHATSAPP_CONTENT_VARIABLES = {
  '1': 'debtor name',
  '2': 'amount',
  '3': 'date',
  '4': 'payment link',
  '5': 'creditor identification',
} as const;
export type WhatsappVariableNumber = keyof typeof WHATSAPP_CONTENT_VARIABLES;

/** What the account provides; `4` and `5` are absent when the account has no payment link or no known creditor. */
export type WhatsappContentVariables = Partial<Record<WhatsappVariableNumber, string>>;

export function whatsappContentVariables(values: {
  name: string;
  amount: string;
  date: string;
  paymentLink: string | undefined;
  creditorLine: string | undefined;
}): WhatsappContentVariables {
  return {
    '1': values.name,
    '2': values.amount,
    '3': values.date,
    ...(values.paymentLink ? { '4': values.paymentLink } : {}),
    ...(values.creditorLine ? { '5': values.creditorLine } : {}),
  };
}
