import type { Account } from './engine/account';
import type { OptOutInput, PaymentInput } from './engine/account-events';
import type { ContactPolicy } from './engine/contact-policy';
import type { EngineState } from './engine/state';
import type { Ladder } from './engine/ladder';

/** Task queues: messaging activities have their own so sends can be rate-limited to the provider's throughput. */
export const TASK_QUEUES = { workflows: 'cobranza-dunning', messaging: 'cobranza-messaging' } as const;

export const DUNNING_WORKFLOW_TYPE = 'dunningWorkflow';

/** One workflow per account; the id makes placing an account idempotent. */
export function workflowIdFor(accountId: string): string {
  return `dunning-${accountId}`;
}

/** What starts (or continues) an account's workflow. Snapshots: later configuration changes never reach it. */
export interface DunningWorkflowInput {
  account: Account;
  ladder: Ladder;
  policy: ContactPolicy;
  /** Payments recorded before the workflow existed; applied first, deduplicated by payment id. */
  pendingPayments?: PaymentInput[];
  /** Opt-outs and cease requests received before the workflow existed (a STOP while its start was failing). */
  pendingOptOuts?: OptOutInput[];
  /** Carried across continue-as-new; absent on the first run. */
  state?: EngineState;
  /** Tests only: continue as new after this many workflow steps instead of waiting for the SDK's suggestion. */
  continueAsNewAfterSteps?: number;
}

export interface DunningWorkflowResult {
  accountId: string;
  status: string;
  balanceMinor: number;
  paidMinor: number;
  stage: string;
}
