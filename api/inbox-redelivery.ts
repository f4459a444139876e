import type { UndeliveredEvent } from '../db/repositories/inbox';
import { optOutSignalOf, type ReceivedOptOut, type ReceivedPayment } from '../db/repositories/inbox';
import type { RouteDeps } from './deps';
import { everyInterval } from './periodic';
import { startPlacement } from './placement';
import { deliverSignal, deliveryOf, type SignalDelivery } from './signal-delivery';

/** What one sweep of the inbox did. */
export interface RedeliveryRound {
  /** Undelivered events old enough to sweep, as read (at most the round's limit). */
  examined: number;
  /** Handed to the workflow: started with them, or signalled. */
  delivered: number;
  /** Refused by a closed account (noted in the inbox as `closed:<status>`; nothing more to do). */
  closed: number;
  /** Left for the next round: Temporal did not take them (the round stops at the first such failure). */
  failed: number;
}

export interface RedeliveryOptions {
  /** Only events received at least this long ago: a younger one may still be in its own request's hands. */
  minAgeMs: number;
  /** Events per round. */
  limit: number;
}

/**
 * One sweep of the inbox: every event the API recorded but Temporal did not take (it answered 503, or the API
 * stopped between the write and the hand-over), oldest first, is handed to its account's workflow the way its own
 * request would have: an undelivered placement starts the workflow with every payment and opt-out received so far;
 * a payment or an opt-out goes by signal-with-start. The inbox notes each delivery, so the next round skips it.
 * Deliveries are idempotent (a payment by its id; an opt-out retires a channel once).
 */
export async function redeliverInbox(
  deps: Pick<RouteDeps, 'temporal' | 'metrics' | 'store' | 'logger' | 'now'>,
  options: RedeliveryOptions
): Promise<RedeliveryRound> {
  const events = await deps.store.listUndelivered({
    receivedBefore: new Date(deps.now() - options.minAgeMs),
    limit: options.limit,
  });
  const round: RedeliveryRound = { examined: events.length, delivered: 0, closed: 0, failed: 0 };
  for (const [accountId, accountEvents] of byAccount(events)) {
    try {
      const outcomes = await redeliverAccount(deps, accountId, accountEvents);
      for (const o of outcomes) {
        deps.metrics.inboxRedelivered.inc({ kind: o.kind, outcome: o.outcome });
        if (o.outcome === 'closed') round.closed++;
        else round.delivered++;
      }
    } catch (err) {
      // Temporal (or the database) is still away: leave the rest for the next round rather than hammer it.
      round.failed = events.length - round.delivered - round.closed;
      deps.metrics.inboxRedelivered.inc({ kind: accountEvents[0]!.kind, outcome: 'failed' }, round.failed);
      deps.logger.warn({ accountId, reason: (err as Error).name }, 'inbox redelivery stopped; retrying next round');
      break;
    }
  }
  return round;
}

type Outcome = { kind: UndeliveredEvent['kind']; outcome: 'delivered' | 'closed' };

async function redeliverAccount(
  deps: Pick<RouteDeps, 'temporal' | 'metrics' | 'store'>,
  accountId: string,
  events: readonly UndeliveredEvent[]
): Promise<Outcome[]> {
  const placed = await deps.store.getPlacedAccount(accountId);
  if (!placed) {
    // Nothing to hand it to (the API accepts payments and opt-outs only for placed accounts): noted, not retried.
    await deps.store.markDelivered(accountId, events, 'unplaced');
    return [];
  }
  if (placed.ladder && events.some((e) => e.kind === 'placement')) {
    // The start carries every payment and opt-out received so far, and notes them delivered with it.
    const started = await startPlacement(deps, { ...placed, ladder: placed.ladder });
    if (started.outcome === 'closed') {
      await deps.store.markDelivered(accountId, events, `closed:${started.status}`);
      return events.map((e) => ({ kind: e.kind, outcome: 'closed' }));
    }
    if (started.outcome === 'started') return events.map((e) => ({ kind: e.kind, outcome: 'delivered' }));
  }
  const outcomes: Outcome[] = [];
  for (const e of events) {
    if (e.kind === 'placement') continue;
    const delivery = await deliverEvent(deps, placed, e);
    await deps.store.markDelivered(accountId, [e], deliveryOf(delivery));
    if (delivery.outcome !== 'pending')
      outcomes.push({ kind: e.kind, outcome: delivery.outcome === 'closed' ? 'closed' : 'delivered' });
  }
  return outcomes;
}

function deliverEvent(
  deps: Pick<RouteDeps, 'temporal' | 'metrics' | 'store'>,
  placed: NonNullable<Awaited<ReturnType<RouteDeps['store']['getPlacedAccount']>>>,
  e: UndeliveredEvent
): Promise<SignalDelivery> {
  if (e.kind === 'payment') {
    const { paymentId, amountMinor, paidAt } = e.payload as unknown as ReceivedPayment;
    return deliverSignal(
      deps,
      placed,
      'paymentReceived',
      { paymentId, amountMinor, paidAt },
      { carriesPaymentId: paymentId }
    );
  }
  const optOut = optOutSignalOf(e.payload as unknown as ReceivedOptOut);
  return deliverSignal(deps, placed, 'optOut', optOut, { carriesOptOutKey: e.key });
}

function byAccount(events: readonly UndeliveredEvent[]): Map<string, UndeliveredEvent[]> {
  const grouped = new Map<string, UndeliveredEvent[]>();
  for (const e of events) grouped.set(e.accountId, [...(grouped.get(e.accountId) ?? []), e]);
  return grouped;
}

/**
 * Sweeps the inbox every `intervalMs` in the API process (each replica; deliveries are idempotent), one round at a
 * time, and keeps `cobranza_inbox_undelivered` current. Returns a stop function.
 */
export function startInboxRedelivery(
  deps: Pick<RouteDeps, 'temporal' | 'metrics' | 'store' | 'logger' | 'now'>,
  options: RedeliveryOptions & { intervalMs: number }
): () => void {
  return everyInterval(options.intervalMs, 'inbox redelivery', deps.logger, async () => {
    const round = await redeliverInbox(deps, options);
    deps.metrics.inboxUndelivered.set(await deps.store.countUndelivered());
    if (round.examined > 0) deps.logger.info(round, 'inbox redelivery round');
  });
}
