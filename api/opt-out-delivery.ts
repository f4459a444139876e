import type { ReceivedOptOut } from '../db/repositories/inbox';
import { optOutSignalOf } from '../db/repositories/inbox';
import type { RouteDeps } from './deps';
import { deliverSignal, deliveryOf, type SignalDelivery } from './signal-delivery';

/** What became of an opt-out: delivered (or refused by a closed account), or kept for an account never placed. */
export type OptOutDelivery = SignalDelivery | { outcome: 'unknown_account' };

/**
 * Receives an opt-out or cease request in the inbox, then hands it to the account's workflow by signal-with-start:
 * whichever way it came (a letter, an agent, a STOP keyword, an unsubscribe link, a spam report), it is on file
 * before Temporal is asked, it reaches a workflow whose placement never started (started with it), and the inbox
 * says how it was delivered. Temporal unavailable: the error propagates (503) and the redelivery sweep delivers it.
 */
export async function receiveAndDeliverOptOut(
  deps: Pick<RouteDeps, 'temporal' | 'metrics' | 'store'>,
  accountId: string,
  received: ReceivedOptOut
): Promise<OptOutDelivery> {
  const placed = await deps.store.getPlacedAccount(accountId);
  if (!placed) return { outcome: 'unknown_account' };
  const { key } = await deps.store.receiveOptOut(accountId, received);
  const delivery = await deliverSignal(deps, placed, 'optOut', optOutSignalOf(received), { carriesOptOutKey: key });
  await deps.store.markDelivered(accountId, [{ kind: 'opt_out', key }], deliveryOf(delivery));
  return delivery;
}
