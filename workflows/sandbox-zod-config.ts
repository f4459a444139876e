import { z } from 'zod';

/**
 * zod's settings inside a worker's workflow sandbox. Preloaded once per V8 context (worker/workflow-bundle-options.ts)
 * and never imported by workflow code, so the API keeps zod's defaults.
 *
 * - `jitless`: zod compiles a parser for each object schema on its first parse. Every workflow run builds its own
 *   schemas (its modules are its own), so that compile was paid per run and per replay: about 6 ms of a 30 ms
 *   full-ladder replay (bench/workflow-replay.ts). The interpreted parse is cheaper for one or two parses a run.
 * - The locale and the memoizer: zod sets both lazily on the first schema it builds. The SDK freezes preloaded
 *   modules once they have run, so they are set here, before the freeze.
 */
z.config({ ...z.locales.en(), memoizer: z.core.memoizer(), jitless: true });
