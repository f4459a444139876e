import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './2026_11_23_0001_initial';
import * as contactAttemptLease from './2026_12_01_0001_contact_attempt_lease';
import * as accountLadderSnapshot from './2026_12_02_0001_account_ladder_snapshot';
import * as callsCreditAndOptOutSources from './2026_12_02_0002_calls_credit_and_opt_out_sources';
import * as inbox from './2026_12_03_0001_inbox';
import * as inboxRecentPlacements from './2026_12_03_0900_inbox_recent_placements';
import * as ladderVersions from './2026_12_04_0001_ladder_versions';
import * as segments from './2026_12_04_0002_segments';
import * as accountAssignments from './2026_12_04_0003_account_assignments';
import * as portfolioHolds from './2026_12_04_0004_portfolio_holds';

/**
 * Every migration, imported explicitly. FileMigrationProvider require()s .ts files at run time, which fails under
 * vitest; a static map works everywhere. Keys sort in the order the migrations must run.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_23_0001_initial': initial,
  '2026_12_01_0001_contact_attempt_lease': contactAttemptLease,
  '2026_12_02_0001_account_ladder_snapshot': accountLadderSnapshot,
  '2026_12_02_0002_calls_credit_and_opt_out_sources': callsCreditAndOptOutSources,
  '2026_12_03_0001_inbox': inbox,
  '2026_12_03_0900_inbox_recent_placements': inboxRecentPlacements,
  '2026_12_04_0001_ladder_versions': ladderVersions,
  '2026_12_04_0002_segments': segments,
  '2026_12_04_0003_account_assignments': accountAssignments,
  '2026_12_04_0004_portfolio_holds': portfolioHolds,
};

export const staticMigrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
