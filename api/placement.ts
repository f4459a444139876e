import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { contactPolicyFor } from '../workflows/jurisdictions';
import { defaultLadder } from '../workflows/ladder';
import { ACCOUNT_ID, DUNNING_STATUS, JURISDICTION, LADDER_VERSION } from '../workflows/search-attributes';
import {
  DUNNING_WORKFLOW_TYPE,
  TASK_QUEUES,
  workflowIdFor,
  type DunningWorkflowInput,
} from '../workflows/workflow-input';
import type { RouteDeps } from './deps';
import { problems } from './problem';
import type { PlaceAccountRequest } from './schemas';

export interface Placement {
  accountId: string;
  workflowId: string;
  created: boolean;
  ladder: { id: string; version: number };
  pendingPayments: number;
}

export const ladderVersionOf = (l: { id: string; version: number }) => `${l.id}@${l.version}`;

/**
 * Places one account: record it, then start its workflow with a deterministic id. The row is written first (a
 * DB write and a workflow start cannot be atomic; a retried placement repeats both harmlessly). An account
 * already running answers `created: false`.
 */
export async function placeAccount(deps: RouteDeps, req: PlaceAccountRequest): Promise<Placement> {
  const { ladder: customLadder, ...account } = req;
  const policy = contactPolicyFor(account.debtor.jurisdiction);
  if (!policy)
    throw problems.unprocessable(`jurisdiction ${account.debtor.jurisdiction} is not supported`, 'debtor.jurisdiction');
  const ladder = customLadder ?? defaultLadder;
  const workflowId = workflowIdFor(account.id);
  await deps.store.upsertAccount({ account, ladderId: ladder.id, ladderVersion: ladder.version, workflowId });
  const pendingPayments = await deps.store.listPayments(account.id);
  const input: DunningWorkflowInput = {
    account,
    ladder,
    policy,
    ...(pendingPayments.length > 0 && { pendingPayments }),
  };
  const base = { accountId: account.id, workflowId, ladder: { id: ladder.id, version: ladder.version } };
  try {
    await deps.temporal.workflow.start(DUNNING_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: TASK_QUEUES.workflows,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: [
        { key: ACCOUNT_ID, value: account.id },
        { key: JURISDICTION, value: account.debtor.jurisdiction },
        { key: DUNNING_STATUS, value: 'active' },
        { key: LADDER_VERSION, value: ladderVersionOf(ladder) },
      ],
      // No PII: ids, jurisdiction and ladder only.
      staticSummary: `Dunning ${account.id} · ${account.debtor.jurisdiction} · ladder ${ladderVersionOf(ladder)}`,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      deps.metrics.accountsPlaced.inc({ result: 'existing' });
      return { ...base, created: false, pendingPayments: 0 };
    }
    throw err;
  }
  deps.metrics.workflowsStarted.inc();
  deps.metrics.accountsPlaced.inc({ result: 'created' });
  return { ...base, created: true, pendingPayments: pendingPayments.length };
}
