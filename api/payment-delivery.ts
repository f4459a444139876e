import type { Account } from '../workflows/engine/account';
import type { PaymentInput } from '../workflows/engine/account-events';
import type { Ladder } from '../workflows/engine/ladder';
import type { RouteDeps } from './deps';
import { deliverSignal, type SignalDelivery } from './signal-delivery';

/** What became of a recorded payment: signalled, left for the placement to hand over, or refused by a closed account. */
export type PaymentDelivery = SignalDelivery;

/**
 * Hands a payment already recorded in the database to the account's workflow, by signal-with-start (see
 * deliverSignal): a payment can never be signalled to a workflow that does not exist yet, and a closed account
 * stays closed. For an account placed before snapshots were kept whose workflow is not running, the next
 * placement hands the payment over (pendingPayments).
 */
export function deliverPayment(
  deps: Pick<RouteDeps, 'temporal' | 'metrics' | 'store'>,
  placed: { account: Account; ladder: Ladder | undefined },
  payment: PaymentInput
): Promise<PaymentDelivery> {
  return deliverSignal(deps, placed, 'paymentReceived', payment, { carriesPaymentId: payment.paymentId });
}
