import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { ConflictError, toDatabaseError } from '../../db/errors';
import { getVersion, publishDraft, saveDraft } from '../../db/repositories/ladder-versions';
import { defaultLadder } from '../../workflows/engine/ladder';
import { describeEachBackend } from './test-database';

const { id: _id, version: _version, ...definition } = defaultLadder;
let seq = 0;
const freshId = () => `cobro-${process.pid}-${Date.now().toString(36)}-${++seq}`;

describeEachBackend('ladder versions', (ctx) => {
  it('a published definition cannot be rewritten, even by SQL: the database refuses it', async () => {
    const ladderId = freshId();
    await saveDraft(ctx.db(), { ladderId, definition, actor: 'gerente-lucia' });
    await publishDraft(ctx.db(), { ladderId, actor: 'gerente-lucia' });
    const rewrite = ctx
      .db()
      .updateTable('ladder_versions')
      .set({ definition: JSON.stringify({ ...definition, steps: definition.steps.slice(0, 2) }) })
      .where('ladder_id', '=', ladderId)
      .execute();
    await expect(rewrite).rejects.toThrow(/immutable/);
    expect((await getVersion(ctx.db(), ladderId, 1))?.definition.steps).toHaveLength(definition.steps.length);
  });

  it('a published version cannot be deleted', async () => {
    const ladderId = freshId();
    await saveDraft(ctx.db(), { ladderId, definition, actor: 'gerente-lucia' });
    await publishDraft(ctx.db(), { ladderId, actor: 'gerente-lucia' });
    await expect(sql`delete from ladder_versions where ladder_id = ${ladderId}`.execute(ctx.db())).rejects.toThrow(
      /only a draft may be deleted/
    );
  });

  it('a retired version cannot be published again', async () => {
    const ladderId = freshId();
    await saveDraft(ctx.db(), { ladderId, definition, actor: 'gerente-lucia' });
    await publishDraft(ctx.db(), { ladderId, actor: 'gerente-lucia' });
    await sql`update ladder_versions set status = 'retired' where ladder_id = ${ladderId}`.execute(ctx.db());
    await expect(
      sql`update ladder_versions set status = 'published' where ladder_id = ${ladderId}`.execute(ctx.db())
    ).rejects.toThrow(/cannot go from retired to published/);
  });

  it('two drafts written at once open one version, not two', async () => {
    const ladderId = freshId();
    const results = await Promise.all(
      ['gerente-lucia', 'gerente-joao'].map((actor) => saveDraft(ctx.db(), { ladderId, definition, actor }))
    );
    expect(results.map((r) => r.record.version)).toEqual([1, 1]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('a draft rewritten through the repository keeps its version; the trigger lets drafts change', async () => {
    const ladderId = freshId();
    await saveDraft(ctx.db(), { ladderId, definition, actor: 'gerente-lucia' });
    const again = await saveDraft(ctx.db(), {
      ladderId,
      definition: { ...definition, steps: definition.steps.slice(0, 3) },
      actor: 'gerente-lucia',
    });
    expect(again).toMatchObject({ created: false, record: { version: 1 } });
    expect(again.record.definition.steps).toHaveLength(3);
  });

  it('the database’s refusal reaches callers as a ConflictError', async () => {
    const ladderId = freshId();
    await saveDraft(ctx.db(), { ladderId, definition, actor: 'gerente-lucia' });
    await publishDraft(ctx.db(), { ladderId, actor: 'gerente-lucia' });
    const err = await sql`update ladder_versions set definition = '{}'::jsonb where ladder_id = ${ladderId}`
      .execute(ctx.db())
      .catch((e: unknown) => toDatabaseError(e));
    expect(err).toBeInstanceOf(ConflictError);
  });
});
