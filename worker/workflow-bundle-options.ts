import path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';

type Configuration = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

/**
 * Modules loaded once per V8 context and shared by every workflow run in it, instead of once per run. The SDK freezes
 * what they export, and what they keep in closures outlives any one run, so only modules whose state is a pure
 * function of its inputs qualify:
 * - zod: stateless and large. Shared, its classes and their prototypes are built once; each run builds only its own
 *   schemas. Workflow code never calls `z.config()` nor gives a schema an `id` (the only zod state a run could leave
 *   behind), and the sandbox's zod settings are made before the freeze (workflows/sandbox-zod-config.ts).
 * - zoned-time: its caches map a zone and an instant to an offset or a local date, the same for every run. Shared,
 *   one run's Intl formatters and offsets serve the next.
 * A module that exports a zod schema must not be preloaded: zod completes a schema's members on first use, which a
 * frozen schema refuses.
 */
const PRELOADED_WORKFLOW_MODULES: readonly string[] = [
  'zod',
  // Without an extension: webpack resolves these (.ts from source, .js once compiled).
  path.join(__dirname, '../workflows/sandbox-zod-config'),
  path.join(__dirname, '../workflows/engine/zoned-time'),
];

/**
 * Two changes to the SDK's webpack configuration, both measured by bench/workflow-replay.ts:
 * - `zod` resolves to one build. zod ships CommonJS and ES module builds; the SDK's preload `require('zod')` took the
 *   first and workflow code's `import` the second, so the preload shared nothing and every run rebuilt zod's classes.
 * - ES2022 output. The SDK compiles workflow TypeScript for ES2017, which rewrites every object spread into helper
 *   calls, and the engine spreads state on every event. Node 20 runs ES2022 natively.
 */
function sandboxWebpackConfig(config: Configuration): Configuration {
  config.resolve = { ...config.resolve, alias: { ...(config.resolve?.alias as object), zod$: require.resolve('zod') } };
  for (const rule of config.module?.rules ?? []) {
    if (!rule || typeof rule !== 'object' || !rule.use || typeof rule.use !== 'object' || Array.isArray(rule.use))
      continue;
    const use = rule.use as { loader?: string; options?: { jsc?: { target?: string } } };
    if (use.loader?.includes('swc-loader') && use.options?.jsc) use.options.jsc.target = 'es2022';
  }
  return config;
}

/** What every bundle of workflows/ is built with: the worker's, the prebuilt one, the replay specs' and benchmarks'. */
export const WORKFLOW_BUNDLER_OPTIONS = {
  preloadModules: [...PRELOADED_WORKFLOW_MODULES],
  webpackConfigHook: sandboxWebpackConfig,
} satisfies Pick<BundleOptions, 'preloadModules' | 'webpackConfigHook'>;
