import { defaultLadder, type Ladder } from '../workflows/engine/ladder';

/**
 * A lender's strategy for large balances: an agent calls the day after the due date, and written notice follows
 * only at day 30. Well past day 1, an account on it has its agent task at once, whatever the hour, where on the
 * default ladder the agent task waits behind the week-1 message, which waits for the contact window: the demo and
 * the console's specs place accounts on it so that agents have work the moment they start.
 */
export const agentFirstLadder: Ladder = {
  ...defaultLadder,
  id: 'agent-first',
  version: 1,
  steps: [
    {
      id: 'agent-call',
      name: 'agent call',
      kind: 'agent_task',
      trigger: { from: 'dueDate', offsetDays: 1 },
      localTime: '09:00',
      channels: [],
      template: 'agent_call_unpaid',
    },
    ...defaultLadder.steps.filter((s) => s.id === 'final-notice' || s.id === 'ladder-end'),
  ],
};
