import type { RecordAccountChangesInput, SendMessageInput } from '../../../workflows/activity-contracts';
import type { ReplayRecording } from '../../helpers/replay-harness';

/**
 * What a replayed dunningWorkflow did, read from the harness's recording in the shapes the replay specs assert:
 * the commands as a timeline, the sends, the changes handed to the system of record, the timers. The histories
 * they replay are written with the DSL in scenarios/histories/dunning-history.ts.
 */

/**
 * The workflow's commands in order, one readable line each, from the recording: what the scenario says the
 * workflow does, checked against what it really did.
 *   upsert search attributes | recordAccountChanges: <summary> | sendMessage: <summary> |
 *   createAgentTask: <summary> | timer until <instant>: <summary> | cancel timer | complete | continue as new
 */
export function timeline(rec: ReplayRecording): string[] {
  return rec.commands.map((c) => {
    switch (c.kind) {
      case 'upsertWorkflowSearchAttributes':
        return 'upsert search attributes';
      case 'scheduleActivity': {
        const a = rec.activities.find((x) => x.seq === c.seq);
        return `${a?.type ?? '?'}: ${a?.summary ?? ''}`;
      }
      case 'startTimer': {
        const t = rec.timers.find((x) => x.seq === c.seq);
        if (!t) return 'timer ?';
        return `timer until ${new Date(Date.parse(t.at) + t.durationMs).toISOString()}: ${t.summary ?? ''}`;
      }
      case 'cancelTimer':
        return 'cancel timer';
      case 'completeWorkflowExecution':
        return 'complete';
      case 'continueAsNewWorkflowExecution':
        return 'continue as new';
      default:
        return c.kind;
    }
  });
}

/** The fields of every sendMessage input that a scenario specifies. */
export function sends(
  rec: ReplayRecording
): Pick<SendMessageInput, 'stepKey' | 'channel' | 'template' | 'amountMinor' | 'to' | 'locale' | 'referenceDate'>[] {
  return rec.activities
    .filter((a) => a.type === 'sendMessage')
    .map((a) => {
      const i = a.input[0] as SendMessageInput;
      return {
        stepKey: i.stepKey,
        channel: i.channel,
        template: i.template,
        amountMinor: i.amountMinor,
        to: i.to,
        locale: i.locale,
        referenceDate: i.referenceDate,
      };
    });
}

/**
 * The changes handed to the system of record, in order, one list per activity: each recordAccountChanges, and
 * each sendMessage or createAgentTask that carried changes (`record`, written before the action).
 */
export function recordedChanges(rec: ReplayRecording): RecordAccountChangesInput['changes'][] {
  return rec.activities
    .map((a) =>
      a.type === 'recordAccountChanges'
        ? (a.input[0] as RecordAccountChangesInput).changes
        : (a.input[0] as { record?: RecordAccountChangesInput['changes'] } | undefined)?.record
    )
    .filter((changes) => changes !== undefined);
}

/** The changes of the recordAccountChanges calls with this summary, in order. */
export function changesRecordedAs(rec: ReplayRecording, summary: string): RecordAccountChangesInput['changes'][] {
  return rec.activities
    .filter((a) => a.type === 'recordAccountChanges' && a.summary === summary)
    .map((a) => (a.input[0] as RecordAccountChangesInput).changes);
}

/** Timers as [fire instant, duration ms, summary, canceled]. */
export function timers(rec: ReplayRecording): [string, number, string | undefined, boolean][] {
  return rec.timers.map((t) => [
    new Date(Date.parse(t.at) + t.durationMs).toISOString(),
    t.durationMs,
    t.summary,
    t.canceled ?? false,
  ]);
}
