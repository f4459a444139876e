import type { SendMessageInput } from './activity-contracts';
import type { Account } from './engine/account';
import type { ContactPolicy } from './engine/contact-policy';
import type { MessageAction } from './engine/planned-action';

/**
 * What a message step hands the send activity: the workflow sends it, and the preview renders the same fields, so a
 * previewed text is the text the debtor gets.
 */
export function messageInputFor(
  account: Account,
  policy: Pick<ContactPolicy, 'jurisdiction' | 'requiresCreditorIdentification'>,
  action: Pick<MessageAction, 'stepKey' | 'template' | 'amountMinor' | 'referenceDate' | 'channel' | 'to' | 'discount'>
): SendMessageInput {
  return {
    accountId: account.id,
    stepKey: action.stepKey,
    channel: action.channel,
    template: action.template,
    to: action.to,
    locale: account.debtor.locale,
    jurisdiction: policy.jurisdiction,
    debtorName: account.debtor.name,
    amountMinor: action.amountMinor,
    currency: account.balance.currency,
    referenceDate: action.referenceDate,
    ...(account.paymentLink !== undefined && { paymentLink: account.paymentLink }),
    ...(action.discount !== undefined && { discount: action.discount }),
    ...(account.creditor !== undefined && { creditor: account.creditor }),
    ...(policy.requiresCreditorIdentification && { requiresCreditorIdentification: true as const }),
  };
}
