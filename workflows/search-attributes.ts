import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Typed search attributes SREs filter on in the Temporal UI. Never PII: ids, stages and times only. Within the
 * SQL-visibility limits (10 Keyword, 3 Datetime, 3 Int per namespace).
 */
export const ACCOUNT_ID = defineSearchAttributeKey('AccountId', SearchAttributeType.KEYWORD);
export const DUNNING_STAGE = defineSearchAttributeKey('DunningStage', SearchAttributeType.KEYWORD);
export const DUNNING_STATUS = defineSearchAttributeKey('DunningStatus', SearchAttributeType.KEYWORD);
export const DUNNING_OUTCOME = defineSearchAttributeKey('DunningOutcome', SearchAttributeType.KEYWORD);
export const JURISDICTION = defineSearchAttributeKey('Jurisdiction', SearchAttributeType.KEYWORD);
export const LADDER_VERSION = defineSearchAttributeKey('LadderVersion', SearchAttributeType.KEYWORD);
/** The segment whose rule placed the account (absent when the placement named its ladder, or none matched). */
export const SEGMENT = defineSearchAttributeKey('Segment', SearchAttributeType.KEYWORD);
/** The creditor the account names (absent when the deployment's CREDITOR_* stands for every account). */
export const CREDITOR = defineSearchAttributeKey('Creditor', SearchAttributeType.KEYWORD);
export const NEXT_ACTION_AT = defineSearchAttributeKey('NextActionAt', SearchAttributeType.DATETIME);
export const BALANCE_MINOR = defineSearchAttributeKey('BalanceMinor', SearchAttributeType.INT);

export const ALL_SEARCH_ATTRIBUTES = [
  ACCOUNT_ID,
  DUNNING_STAGE,
  DUNNING_STATUS,
  DUNNING_OUTCOME,
  JURISDICTION,
  LADDER_VERSION,
  SEGMENT,
  CREDITOR,
  NEXT_ACTION_AT,
  BALANCE_MINOR,
] as const;
