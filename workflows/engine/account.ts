import { z } from 'zod';
import { CalendarDateSchema } from './calendar-date';

/** Channels the product can contact a debtor through, in no particular order. */
export const ChannelSchema = z.enum(['sms', 'whatsapp', 'email']);
export type Channel = z.infer<typeof ChannelSchema>;
export const CHANNELS: readonly Channel[] = ChannelSchema.options;

/**
 * Every way a debtor is contacted, for the contact rules: the message channels and an agent's phone call. Caps,
 * windows and the one-channel-a-week rule count calls as well (Reg F counts calls, Ley 2300 every contact).
 */
export const ContactChannelSchema = z.enum(['sms', 'whatsapp', 'email', 'call']);
export type ContactChannel = z.infer<typeof ContactChannelSchema>;
export const CONTACT_CHANNELS: readonly ContactChannel[] = ContactChannelSchema.options;

const isoDate = CalendarDateSchema;

export const CurrencySchema = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code such as MXN');

/** Money is an integer number of minor units (centavos, cents) in an ISO 4217 currency. */
export const MoneySchema = z.strictObject({
  amountMinor: z.number().int().nonnegative(),
  currency: CurrencySchema,
});
export type Money = z.infer<typeof MoneySchema>;

/** `MX`, `CO`, `BR`, `ES`, `US`, or a country-state such as `US-MA`. */
export const JurisdictionCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'expected a country code such as MX or a country-state such as US-MA');

export const DebtorSchema = z.strictObject({
  name: z.string().min(1).max(200),
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number such as +5215512345678')
    .optional(),
  whatsapp: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number such as +5215512345678')
    .optional(),
  email: z.email().optional(),
  /** IANA time zone of the debtor. When absent the strictest zone of the jurisdiction is used, never UTC. */
  timezone: z.string().min(1).optional(),
  jurisdiction: JurisdictionCodeSchema,
  locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'expected a BCP 47 locale such as es-MX'),
});
export type Debtor = z.infer<typeof DebtorSchema>;

/** Who is collecting: Brazil's CDC art. 42-A requires name, address and CPF/CNPJ on every billing document. */
export const CreditorSchema = z.strictObject({
  name: z.string().min(1),
  address: z.string().min(1).optional(),
  taxId: z.string().min(1).optional(),
});
export type Creditor = z.infer<typeof CreditorSchema>;

export const AccountSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._:-]+$/, 'expected letters, digits, ".", "_", ":" or "-"'),
  debtor: DebtorSchema,
  balance: MoneySchema,
  dueDate: isoDate,
  paymentLink: z.url().optional(),
  creditor: CreditorSchema.optional(),
});
export type Account = z.infer<typeof AccountSchema>;

/** The channel address for a debtor, or undefined when the debtor has none for that channel. */
export function addressFor(
  debtor: Pick<Debtor, 'phone' | 'whatsapp' | 'email'>,
  channel: ContactChannel
): string | undefined {
  switch (channel) {
    case 'sms':
    case 'call':
      return debtor.phone;
    case 'whatsapp':
      return debtor.whatsapp ?? debtor.phone;
    case 'email':
      return debtor.email;
  }
}
