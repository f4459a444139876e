import { temporal } from '@temporalio/proto';

const { EventType } = temporal.api.enums.v1;

export interface HistoryCost {
  events: number;
  /** Temporal Cloud billable Actions that show in a history (docs.temporal.io/cloud/actions). */
  actions: number;
  bytes: number;
}

/**
 * Billable Actions as Temporal Cloud counts them: a workflow start, every timer started, every activity attempt (the
 * started event carries the attempt number, so retries count), every signal and every accepted Update. Queries
 * and heartbeats are billed too but never reach a history, and this workflow makes neither in its steps.
 */
export function historyCost(history: temporal.api.history.v1.IHistory): HistoryCost {
  let actions = 0;
  for (const e of history.events ?? []) {
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
      case EventType.EVENT_TYPE_TIMER_STARTED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        actions++;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        actions += Math.max(1, e.activityTaskStartedEventAttributes?.attempt ?? 1);
        break;
      default:
    }
  }
  const bytes = temporal.api.history.v1.History.encode(history).finish().length;
  return { events: history.events?.length ?? 0, actions, bytes };
}
