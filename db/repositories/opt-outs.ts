import type { Kysely } from 'kysely';
import { ValidationError, withDatabaseErrors } from '../errors';
import type { ChannelColumn, Database, OptOutChannel, OptOutRow, OptOutSource } from '../schema';
import { OPT_OUT_SOURCES } from '../schema';

export interface OptOutInput {
  accountId: string;
  /** 'all' stops every channel. */
  channel: OptOutChannel;
  /** Omitted when the opt-out covers every address of the channel. */
  address?: string;
  source: OptOutSource;
  /** The keyword the debtor sent (STOP, BAJA, PARAR), when the source is 'keyword'. */
  keyword?: string;
  /** Who recorded it (an agent, a back-office user), for a request received by letter or by phone. */
  actor?: string;
  at: Date | string;
}

export interface OptOutRecord {
  accountId: string;
  channel: OptOutChannel;
  address?: string;
  source: OptOutSource;
  keyword?: string;
  actor?: string;
  at: Date;
}

export function parseOptOutSource(source: string): OptOutSource {
  const found = OPT_OUT_SOURCES.find((s) => s === source);
  if (!found) throw new ValidationError(`opt-out source must be one of ${OPT_OUT_SOURCES.join(', ')}`, 'source');
  return found;
}

/** Idempotent per (account, channel, address): the first opt-out wins and keeps its time and source. */
export async function recordOptOut(db: Kysely<Database>, input: OptOutInput): Promise<{ created: boolean }> {
  const inserted = await withDatabaseErrors(() =>
    db
      .insertInto('opt_outs')
      .values({
        account_id: input.accountId,
        channel: input.channel,
        address: input.address ?? '',
        source: input.source,
        keyword: input.keyword ?? null,
        actor: input.actor ?? null,
        opted_out_at: input.at,
      })
      .onConflict((oc) => oc.columns(['account_id', 'channel', 'address']).doNothing())
      .returning('id')
      .executeTakeFirst()
  );
  return { created: inserted !== undefined };
}

export async function listOptOuts(db: Kysely<Database>, accountId: string): Promise<OptOutRecord[]> {
  const rows = await withDatabaseErrors(() =>
    db.selectFrom('opt_outs').selectAll().where('account_id', '=', accountId).orderBy('opted_out_at').execute()
  );
  return rows.map(toOptOutRecord);
}

/** True when the account opted out of this channel (any address, or this one) or of every channel. */
export async function isOptedOut(
  db: Kysely<Database>,
  accountId: string,
  channel: ChannelColumn,
  address?: string
): Promise<boolean> {
  const row = await withDatabaseErrors(() =>
    db
      .selectFrom('opt_outs')
      .select('id')
      .where('account_id', '=', accountId)
      .where('channel', 'in', [channel, 'all'])
      .where('address', 'in', address !== undefined ? ['', address] : [''])
      .limit(1)
      .executeTakeFirst()
  );
  return row !== undefined;
}

function toOptOutRecord(row: OptOutRow): OptOutRecord {
  return {
    accountId: row.account_id,
    channel: row.channel,
    ...(row.address !== '' ? { address: row.address } : {}),
    source: row.source,
    ...(row.keyword !== null ? { keyword: row.keyword } : {}),
    ...(row.actor !== null ? { actor: row.actor } : {}),
    at: row.opted_out_at,
  };
}
