/**
 * Modules loaded once per V8 context and shared by every workflow run in it, instead of once per run. zod is
 * stateless and large: its module initialisation was about a tenth of what replaying a whole ladder costs
 * (bench/workflow-replay.ts). The SDK freezes shared modules; workflow code never calls `z.config()` nor gives a
 * schema an `id` (the only zod state a run could otherwise leave behind for the next one).
 */
export const PRELOADED_WORKFLOW_MODULES: readonly string[] = ['zod'];
