import { Context, log } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';
import type { Channel } from '../../workflows/engine/account';
import type { ChannelFailureDetails, SendMessageResult } from '../../workflows/activity-contracts';

/**
 * Per-channel message counters, recorded by the send activity through the activity context's metric meter, so they
 * leave through the worker's SDK Prometheus exporter (`Runtime.install`, `WORKER_METRICS_ADDRESS`) beside the SDK's
 * own metrics.
 *
 * Exported names are exactly these: the Core exporter prefixes only its own metrics with `metricPrefix`
 * (`temporal_`), never user metrics, and adds `_total` only with `countersTotalSuffix`, which the worker leaves off.
 * Besides the labels below, the activity meter adds `namespace`, `taskQueue` and `activityType`, and the worker's
 * global tag `service="cobranza-worker"`. Label values are closed sets: never an address, a name or an account id.
 */
export const MESSAGE_METRIC_NAMES = {
  /** `{channel, transport}`: messages a provider (or the log transport) accepted. */
  sent: 'cobranza_messages_sent',
  /** `{channel, reason}`: send attempts that failed, by failure reason. */
  failed: 'cobranza_messages_failed',
  /** `{channel}`: attempts that found the message already sent by an earlier attempt and did not send it again. */
  deduplicated: 'cobranza_messages_deduplicated',
} as const;

/** The permanent reasons channel fallback uses, `temporary` (will be retried), and `outcome_unknown`. */
export type MessageFailureReason =
  ChannelFailureDetails['reason'] | 'temporary' | 'outcome_unknown' | 'contact_window_closed';

export interface MessageMetrics {
  sent(channel: Channel, transport: SendMessageResult['transport']): void;
  failed(channel: Channel, reason: MessageFailureReason): void;
  deduplicated(channel: Channel): void;
}

const CHANNELS: ReadonlySet<string> = new Set<Channel>(['sms', 'whatsapp', 'email']);

/**
 * Records on `meter()`, by default the current activity's meter (a real worker's exporter, or the meter given to
 * `MockActivityEnvironment` in tests). Recording never throws: a metric must not fail a message that already left.
 */
export function messageMetrics(meter: () => MetricMeter = () => Context.current().metricMeter): MessageMetrics {
  const add = (name: string, description: string, tags: Record<string, string>): void => {
    try {
      meter().createCounter(name, '', description).add(1, tags);
    } catch (err) {
      log.warn('message metric not recorded', {
        metric: name,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  };
  return {
    sent: (channel, transport) => {
      add(MESSAGE_METRIC_NAMES.sent, 'Messages accepted by a provider or the log transport', {
        channel: channelLabel(channel),
        transport,
      });
    },
    failed: (channel, reason) => {
      add(MESSAGE_METRIC_NAMES.failed, 'Message send attempts that failed, by reason', {
        channel: channelLabel(channel),
        reason,
      });
    },
    deduplicated: (channel) => {
      add(MESSAGE_METRIC_NAMES.deduplicated, 'Send attempts that found the message already sent (not sent again)', {
        channel: channelLabel(channel),
      });
    },
  };
}

/** Activity input is deserialized JSON: anything outside the known channels must not become a new series. */
function channelLabel(channel: string): string {
  return CHANNELS.has(channel) ? channel : 'other';
}
