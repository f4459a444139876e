/**
 * Workflow interceptor module bundled with the workflow code by ./replay-harness. It runs inside the
 * workflow sandbox, so it imports only workflow-safe packages, and the recorder types type-only.
 */
import { ApplicationFailure, ContinueAsNew, proxySinks } from '@temporalio/workflow';
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import type { RecordedCommand, ReplayRecorderSinks } from './replay-recorder';

const { replayRecorder } = proxySinks<ReplayRecorderSinks>();

// Date.now() in the sandbox is the deterministic workflow clock, i.e. the current task's start time.
const at = (): string => new Date(Date.now()).toISOString();

// Keys of a WorkflowCommand that annotate the command rather than name its kind.
const ANNOTATIONS = new Set(['userMetadata', 'eventGroupMarkers']);

function decodeFields(fields: Record<string, Payload> | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, payload] of Object.entries(fields ?? {})) {
    out[key] = defaultPayloadConverter.fromPayload(payload);
  }
  return out;
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        try {
          const result = await next(input);
          replayRecorder.outcome({ kind: 'completed', result, at: at() });
          return result;
        } catch (err) {
          // continueAsNew is reported by the outbound interceptor, which sees its arguments.
          if (!(err instanceof ContinueAsNew)) {
            const error = err instanceof Error ? err : new Error(String(err));
            replayRecorder.outcome({
              kind: 'failed',
              message: error.message,
              name: error.name,
              ...(err instanceof ApplicationFailure && err.type != null && { type: err.type }),
              at: at(),
            });
          }
          throw err;
        }
      },
    },
  ],
  outbound: [
    {
      scheduleActivity(input, next) {
        const { summary, ...options } = input.options;
        replayRecorder.activity({
          seq: input.seq,
          activityId: input.options.activityId ?? String(input.seq),
          type: input.activityType,
          input: input.args,
          ...(summary !== undefined && { summary }),
          options: { ...options },
          at: at(),
        });
        return next(input);
      },
      scheduleLocalActivity(input, next) {
        const { summary, ...options } = input.options;
        replayRecorder.localActivity({
          seq: input.seq,
          type: input.activityType,
          input: input.args,
          ...(summary !== undefined && { summary }),
          options: { ...options },
          at: at(),
        });
        return next(input);
      },
      startTimer(input, next) {
        const summary = input.options?.summary;
        replayRecorder.timer({
          seq: input.seq,
          timerId: String(input.seq),
          durationMs: input.durationMs,
          ...(summary !== undefined && { summary }),
          at: at(),
        });
        return next(input);
      },
      continueAsNew(input, next) {
        replayRecorder.outcome({
          kind: 'continuedAsNew',
          args: input.args,
          ...(input.options.workflowType !== undefined && { workflowType: input.options.workflowType }),
          at: at(),
        });
        return next(input);
      },
    },
  ],
  internals: [
    {
      // Upserts of search attributes and memo have no outbound hook, but every command passes here.
      concludeActivation(input, next) {
        const commands: RecordedCommand[] = [];
        for (const command of input.commands) {
          for (const [kind, body] of Object.entries(command)) {
            if (body == null || ANNOTATIONS.has(kind)) continue;
            const seq = (body as { seq?: unknown }).seq;
            commands.push({ kind, ...(typeof seq === 'number' && { seq }) });
          }
          if (command.upsertWorkflowSearchAttributes) {
            const fields = command.upsertWorkflowSearchAttributes.searchAttributes?.indexedFields;
            replayRecorder.searchAttributes({ values: decodeFields(fields), at: at() });
          }
          if (command.modifyWorkflowProperties) {
            const fields = command.modifyWorkflowProperties.upsertedMemo?.fields;
            replayRecorder.memo({ values: decodeFields(fields), at: at() });
          }
        }
        if (commands.length > 0) replayRecorder.commands(commands);
        return next(input);
      },
    },
  ],
});
