import type { LocaleCatalog } from './message-catalog';

export const enUS: LocaleCatalog = {
  locale: 'en-US',
  templates: {
    pre_due_nudge: {
      sms: 'Hi {name}, a reminder that your payment of {amount} is due on {date}.',
      subject: 'Your payment of {amount} is due on {date}',
      body: 'This is a reminder that your payment of {amount} is due on {date}. If you have already paid, please ignore this message.',
    },
    day_1_reminder: {
      sms: 'Hi {name}, your payment of {amount} was due on {date} and is still open.',
      subject: 'Your payment of {amount} is past due',
      body: 'Your payment of {amount}, due on {date}, is still open. If you have already paid, please ignore this message.',
    },
    week_1_notice: {
      sms: 'Hi {name}, your payment of {amount} has been past due since {date}.',
      subject: 'Notice: your payment of {amount} is past due since {date}',
      body: 'Your payment of {amount} has been past due since {date}. If you need a payment plan, reply to this email and we will help.',
    },
    final_notice: {
      sms: 'Hi {name}, final notice: your payment of {amount}, past due since {date}, is still open. Call or reply to agree a solution.',
      subject: 'Final notice: your payment of {amount} is past due since {date}',
      body: 'This is our final notice about your payment of {amount}, past due since {date}. After this notice our automated reminders end; contact us to agree a payment or a plan.',
    },
    promise_reminder: {
      sms: 'Hi {name}, a reminder of the {amount} payment you scheduled for {date}.',
      subject: 'Reminder: your {amount} payment on {date}',
      body: 'A reminder of the payment you arranged: {amount} on {date}. Thank you.',
    },
    installment_reminder: {
      sms: 'Hi {name}, your installment of {amount} is due on {date}.',
      subject: 'Your installment of {amount} is due on {date}',
      body: 'A reminder that the installment of your payment plan, {amount}, is due on {date}.',
    },
  },
  greeting: 'Hi {name},',
  discountOffer: 'Pay {amount} by {date} and your balance is settled.',
  paymentLink: 'Pay here: {link}',
  creditorLine:
    '{name}{hasAddress, select, yes {, {address}} other {}}{hasTaxId, select, yes {, Tax ID {taxId}} other {}}',
  optOutSms: 'Reply STOP to stop receiving these messages.',
  optOutEmail: 'To stop receiving these emails, unsubscribe here: {url}',
};
