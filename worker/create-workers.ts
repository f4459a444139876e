import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { DunningActivities } from '../workflows/activity-contracts';
import { TASK_QUEUES } from '../workflows/workflow-input';
import { WORKFLOW_BUNDLER_OPTIONS } from './workflow-bundle-options';

export interface CreateWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  activities: DunningActivities;
  /** A prebuilt bundle for production, else the sources are bundled at start. */
  workflowBundlePath?: string;
  messagingMaxPerSecond: number;
  /** Payload encryption; the same converter the API's client and the replayer use. */
  dataConverter?: DataConverter;
  shutdownGraceTime: number;
}

/**
 * Two workers in one process: workflows with the database activities, and the message sends on their own task
 * queue, where `maxTaskQueueActivitiesPerSecond` caps every worker of the fleet at the provider's throughput.
 */
export async function createWorkers(opts: CreateWorkersOptions): Promise<Worker[]> {
  const { sendMessage, ...recordKeeping } = opts.activities;
  const workflows = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: TASK_QUEUES.workflows,
    ...(opts.workflowBundlePath
      ? { workflowBundle: { codePath: opts.workflowBundlePath } }
      : {
          workflowsPath: require.resolve('../workflows'),
          bundlerOptions: WORKFLOW_BUNDLER_OPTIONS,
        }),
    activities: recordKeeping,
    ...(opts.dataConverter && { dataConverter: opts.dataConverter }),
    shutdownGraceTime: opts.shutdownGraceTime,
  });
  const messaging = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: TASK_QUEUES.messaging,
    activities: { sendMessage },
    ...(opts.dataConverter && { dataConverter: opts.dataConverter }),
    maxTaskQueueActivitiesPerSecond: opts.messagingMaxPerSecond,
    shutdownGraceTime: opts.shutdownGraceTime,
  });
  return [workflows, messaging];
}
