import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import { loadHistoryFixtures, type HistoryFixture } from '../helpers/history-fixtures';
import { replayScenario } from '../helpers/replay-harness';

/**
 * Histories recorded on real Temporal servers (test/replay/histories, refreshed by `npm run histories:record`),
 * replayed through today's workflow code with no server. The core fails a changed command sequence; on top of that,
 * every activity input and timer duration the workflow asks for must equal what the recorded run asked for, which
 * the core does not check.
 */
const WORKFLOWS = path.join(__dirname, '..', '..', 'workflows');
const fixtures = loadHistoryFixtures();

interface HistoryEventJson {
  eventType: string;
  userMetadata?: { summary?: { data?: string } };
  activityTaskScheduledEventAttributes?: {
    activityId: string;
    activityType: { name: string };
    input?: { payloads?: { data?: string }[] };
  };
  timerStartedEventAttributes?: { timerId: string; startToFireTimeout: string };
}

const eventsOf = (f: HistoryFixture) => (f.history as { events: HistoryEventJson[] }).events;
const decode = (data: string | undefined): unknown => JSON.parse(Buffer.from(data ?? '', 'base64').toString('utf8'));
/** The step summary an SRE reads on the event in the Temporal UI. */
const summaryOf = (e: HistoryEventJson) =>
  e.userMetadata?.summary ? (decode(e.userMetadata.summary.data) as string) : undefined;

/** What the recorded run scheduled, decoded from its json/plain payloads. */
function scheduledActivities(f: HistoryFixture) {
  return eventsOf(f).flatMap((e) => {
    const a = e.activityTaskScheduledEventAttributes;
    if (!a) return [];
    const input = (a.input?.payloads ?? []).map((p) => decode(p.data));
    return [{ activityId: a.activityId, type: a.activityType.name, input, summary: summaryOf(e) }];
  });
}

/** Durations are `"86400.5s"` in protobuf JSON. */
function startedTimers(f: HistoryFixture) {
  return eventsOf(f).flatMap((e) => {
    const t = e.timerStartedEventAttributes;
    if (!t) return [];
    const durationMs = Math.round(Number(t.startToFireTimeout.replace(/s$/, '')) * 1000);
    return [{ timerId: t.timerId, durationMs, summary: summaryOf(e) }];
  });
}

describe('histories recorded on real Temporal servers replay through the current workflow code', () => {
  it('has the recorded histories of the server suites to replay', () => {
    expect(fixtures.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'server-full-ladder-paid',
        'server-promise-kept',
        'server-promise-broken',
        'server-agreement-missed-installment',
        'server-dispute-upheld',
        'server-opt-out-sms',
        'server-continue-as-new-first-run',
        'server-continue-as-new-second-run',
      ])
    );
  });

  describe.each(fixtures)('$name', (fixture) => {
    let replayed: ReturnType<typeof replayScenario> | undefined;
    const replay = () =>
      (replayed ??= replayScenario({
        workflowsPath: WORKFLOWS,
        history: historyFromJSON(fixture.history),
        workflowId: fixture.workflowId,
      }));

    it('replays without a determinism violation', async () => {
      await replay();
    });

    it('asks for exactly the activity inputs, timer durations and step summaries the recorded run asked for', async () => {
      const recording = await replay();
      expect(
        recording.activities.map(({ activityId, type, input, summary }) => ({ activityId, type, input, summary }))
      ).toEqual(scheduledActivities(fixture));
      // A timer started and cancelled within one workflow task (a `condition` already true) never reaches the
      // server, so it is not in the history; it still takes its sequence number, which is the timer id.
      const started = new Set(startedTimers(fixture).map((t) => t.timerId));
      const recorded = recording.timers.filter((t) => !t.canceled || started.has(t.timerId));
      expect(recorded.map(({ timerId, durationMs, summary }) => ({ timerId, durationMs, summary }))).toEqual(
        startedTimers(fixture)
      );
    });
  });
});
