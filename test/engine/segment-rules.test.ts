import { describe, expect, it } from 'vitest';
import type { Account } from '../../workflows/engine/account';
import {
  SegmentDefinitionSchema,
  assignLadder,
  draw,
  matchCriteria,
  type Segment,
} from '../../workflows/engine/segment-rules';

/** 2026-11-20 15:00 UTC: 10:00 in Bogotá. */
const NOW = Date.parse('2026-11-20T15:00:00Z');

const valentina = (over: Partial<Account> = {}): Account => ({
  id: 'cta-valentina-001',
  debtor: {
    name: 'Valentina Ospina Restrepo',
    phone: '+573001234567',
    timezone: 'America/Bogota',
    jurisdiction: 'CO',
    locale: 'es-CO',
  },
  balance: { amountMinor: 450_000_00, currency: 'COP' },
  dueDate: '2026-11-10',
  ...over,
});

const segment = (over: Partial<Segment> = {}): Segment => ({
  segmentId: 'co-temprana',
  revision: 1,
  name: 'Colombia, mora temprana',
  priority: 10,
  criteria: { jurisdictions: ['CO'], daysPastDue: { min: 0, max: 30 } },
  arms: [{ ladderId: 'cobro-suave', version: 1, weight: 100 }],
  stoppedArms: [],
  ...over,
});

const split = segment({
  arms: [
    { ladderId: 'cobro-suave', version: 1, weight: 50 },
    { ladderId: 'cobro-suave', version: 2, weight: 50 },
  ],
});

describe('segment criteria', () => {
  it('an account matching every criterion is described by each one', () => {
    expect(matchCriteria(segment().criteria, valentina(), { tags: [] }, NOW)).toEqual([
      'jurisdiction CO',
      '10 days past due in [0, 30]',
    ]);
  });

  it('days past due are counted in the debtor’s local date: 00:30 in Bogotá is still the previous day', () => {
    const justAfterUtcMidnight = Date.parse('2026-11-21T05:30:00Z'); // 00:30 on the 21st in Bogotá
    const beforeBogotaMidnight = Date.parse('2026-11-21T04:30:00Z'); // 23:30 on the 20th in Bogotá
    const c = { daysPastDue: { min: 11, max: 11 } };
    expect(matchCriteria(c, valentina(), { tags: [] }, beforeBogotaMidnight)).toBeUndefined();
    expect(matchCriteria(c, valentina(), { tags: [] }, justAfterUtcMidnight)).toEqual(['11 days past due in [11, 11]']);
  });

  it('a balance band is read in the account’s currency and bounds are inclusive', () => {
    const c = { currency: 'COP', balanceMinor: { min: 100_000_00, max: 450_000_00 } };
    expect(matchCriteria(c, valentina(), { tags: [] }, NOW)).toEqual([
      'currency COP',
      'balance 45000000 in [10000000, 45000000]',
    ]);
    const above = valentina({ balance: { amountMinor: 450_000_01, currency: 'COP' } });
    expect(matchCriteria(c, above, { tags: [] }, NOW)).toBeUndefined();
  });

  it('a risk-score criterion never matches an account placed without a score', () => {
    expect(matchCriteria({ riskScore: { min: 700 } }, valentina(), { tags: [] }, NOW)).toBeUndefined();
    expect(matchCriteria({ riskScore: { min: 700 } }, valentina(), { tags: [], riskScore: 812 }, NOW)).toEqual([
      'risk score 812 in [700, …]',
    ]);
  });

  it('a tag criterion matches an account carrying any one of its tags', () => {
    expect(matchCriteria({ anyTag: ['nomina', 'pyme'] }, valentina(), { tags: ['pyme'] }, NOW)).toEqual(['tag pyme']);
  });

  it('a balance band without its currency is refused naming currency', () => {
    const result = SegmentDefinitionSchema.safeParse({
      name: 'x',
      priority: 1,
      criteria: { balanceMinor: { min: 1 } },
      arms: [{ ladderId: 'a', version: 1, weight: 100 }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['criteria.currency']);
  });

  it('weights that do not sum to 100 are refused naming arms', () => {
    const result = SegmentDefinitionSchema.safeParse({
      name: 'x',
      priority: 1,
      criteria: {},
      arms: [
        { ladderId: 'a', version: 1, weight: 60 },
        { ladderId: 'a', version: 2, weight: 30 },
      ],
    });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['arms'], message: 'weights sum to 90, not 100' }),
    ]);
  });
});

describe('assigning a ladder', () => {
  it('the first matching segment by priority decides, and the reason names its criteria', () => {
    const broad = segment({ segmentId: 'todo-co', priority: 50, criteria: { jurisdictions: ['CO'] } });
    const chosen = assignLadder([broad, segment()], valentina(), { tags: [] }, NOW);
    expect(chosen).toEqual({
      segmentId: 'co-temprana',
      revision: 1,
      arm: 0,
      ladder: { id: 'cobro-suave', version: 1 },
      reason: 'segment co-temprana (priority 10): jurisdiction CO, 10 days past due in [0, 30]',
    });
  });

  it('no segment matches a Brazilian account: no assignment', () => {
    const joao = valentina({
      debtor: { ...valentina().debtor, jurisdiction: 'BR', timezone: 'America/Sao_Paulo', locale: 'pt-BR' },
    });
    expect(assignLadder([segment()], joao, { tags: [] }, NOW)).toBeUndefined();
  });

  it('the same account always draws the same arm of a split', () => {
    const first = assignLadder([split], valentina(), { tags: [] }, NOW);
    const again = assignLadder([split], valentina(), { tags: [] }, NOW + 86_400_000);
    expect(again?.arm).toBe(first?.arm);
  });

  it('a 50/50 split sends 10,000 accounts within 2 % of half to each arm', () => {
    const counts = [0, 0];
    for (let i = 0; i < 10_000; i++)
      counts[assignLadder([split], valentina({ id: `cta-${i}` }), { tags: [] }, NOW)!.arm]! += 1;
    expect(Math.abs(counts[0]! - 5_000)).toBeLessThan(200);
  });

  it('a stopped arm takes no new account: every account goes to the arm still running', () => {
    const stopped = { ...split, stoppedArms: [{ arm: 1, at: '2026-11-20T15:00:00.000Z', reason: 'más quejas' }] };
    const arms = new Set(
      Array.from(
        { length: 500 },
        (_, i) => assignLadder([stopped], valentina({ id: `cta-${i}` }), { tags: [] }, NOW)!.arm
      )
    );
    expect([...arms]).toEqual([0]);
  });

  it('a segment whose every arm is stopped passes the account on to the next segment', () => {
    const allStopped = segment({ stoppedArms: [{ arm: 0, at: '2026-11-20T15:00:00.000Z', reason: 'pausa' }] });
    const broad = segment({ segmentId: 'todo-co', priority: 50, criteria: { jurisdictions: ['CO'] } });
    expect(assignLadder([allStopped, broad], valentina(), { tags: [] }, NOW)?.segmentId).toBe('todo-co');
  });

  it('the reason of a split names the arm, its share and the account’s draw', () => {
    const chosen = assignLadder([split], valentina(), { tags: [] }, NOW)!;
    expect(chosen.reason).toMatch(/; arm [01] of 2 \(50 % of new accounts\), draw 0\.\d{4}$/);
  });

  it('a rewritten split (a new revision) draws afresh', () => {
    const draws = Array.from({ length: 50 }, (_, i) => [
      draw(`co-temprana:1:cta-${i}`),
      draw(`co-temprana:2:cta-${i}`),
    ]);
    expect(draws.filter(([a, b]) => a !== b)).toHaveLength(50);
  });
});
