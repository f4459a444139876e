import { z } from 'zod';

/** The worker's own settings; Temporal connection settings come from the standard TEMPORAL_* variables. */
export const WorkerConfigSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  /** Embedded database lives in `$DATA_DIR/pglite` when DATABASE_URL is unset. */
  DATA_DIR: z.string().default('.data'),
  /** Where the SDK's Prometheus exporter listens. */
  WORKER_METRICS_ADDRESS: z.string().default('0.0.0.0:9464'),
  /** Provider throughput: Twilio long codes take about 1 message/s, 10DLC campaigns more. */
  MESSAGING_MAX_PER_SECOND: z.coerce.number().positive().default(10),
  /** A prebuilt bundle (npm run build:workflows); production workers should not bundle at start. */
  WORKFLOW_BUNDLE_PATH: z.string().optional(),
  /** Time in-flight sends get to finish on SIGTERM before they are cancelled. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(30_000),
});
export type WorkerConfig = z.infer<typeof WorkerConfigSchema>;

export function loadWorkerConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  const parsed = WorkerConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid worker configuration: ${problems}`);
  }
  return parsed.data;
}
