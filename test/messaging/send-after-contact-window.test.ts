import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { TWILIO_MESSAGES_PATH, activityEnv, anaSms, recordingLogger } from './fixtures';
import { providerActivities, useProviderTestBed, TWILIO_API } from './provider-test-bed';

const WORKFLOW_ID = 'dunning-acc-mx-1001';
const HOUR = 3_600_000;
/** The close of the window the workflow decided the send in, relative to the attempt's real clock. */
const closedAt = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

describe('a send that reaches a worker after its contact window closed', () => {
  const bed = useProviderTestBed();
  const activities = () => providerActivities(bed.ledger, { logger: recordingLogger() });

  function twilioAccepts(sid: string) {
    let calls = 0;
    nock(TWILIO_API)
      .post(TWILIO_MESSAGES_PATH)
      .reply(() => {
        calls++;
        return [201, { sid, status: 'queued' }];
      });
    return () => calls;
  }

  it('sends nothing and fails with the non-retryable ContactWindowClosed', async () => {
    const calls = twilioAccepts('SM00000000000000000000000000000001');

    await expect(
      activityEnv(WORKFLOW_ID, 3).run(activities().sendMessage, { ...anaSms, notAfter: closedAt(-1_000) })
    ).rejects.toMatchObject({
      type: 'ContactWindowClosed',
      nonRetryable: true,
      details: [{ channel: 'sms', code: 'contact_window_closed' }],
    });
    expect(calls()).toBe(0);
    nock.cleanAll();
  });

  it('releases the step, so the send planned for the next window goes out once', async () => {
    const calls = twilioAccepts('SM00000000000000000000000000000002');
    await expect(
      activityEnv(WORKFLOW_ID, 2).run(activities().sendMessage, { ...anaSms, notAfter: closedAt(-1_000) })
    ).rejects.toMatchObject({ type: 'ContactWindowClosed' });

    const nextMorning = await activityEnv(WORKFLOW_ID, 1).run(activities().sendMessage, {
      ...anaSms,
      notAfter: closedAt(12 * HOUR),
    });

    expect(calls()).toBe(1);
    expect(nextMorning).toMatchObject({ providerMessageId: 'SM00000000000000000000000000000002', deduplicated: false });
    const attempt = await bed.ledger.find(WORKFLOW_ID, 'day-1-sms', 'sms');
    expect(attempt?.timeline.map((e) => e.status)).toEqual(['failed', 'queued']);
  });

  it('still answers with the message an earlier attempt sent inside the window, instead of refusing', async () => {
    const calls = twilioAccepts('SM00000000000000000000000000000003');
    const first = await activityEnv(WORKFLOW_ID, 1).run(activities().sendMessage, {
      ...anaSms,
      notAfter: closedAt(HOUR),
    });

    // The completion was lost; Temporal's retry reaches a worker after the window closed.
    const retried = await activityEnv(WORKFLOW_ID, 2).run(activities().sendMessage, {
      ...anaSms,
      notAfter: closedAt(-1_000),
    });

    expect(calls()).toBe(1);
    expect(retried).toEqual({ ...first, deduplicated: true });
  });
});
