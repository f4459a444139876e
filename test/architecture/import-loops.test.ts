import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, SOURCE_FOLDERS, cycles, importGraph, layerGraph } from './import-graph';

const graph = importGraph(SOURCE_FOLDERS);
const layers = layerGraph(graph);
const rel = (f: string) => path.relative(ROOT, f);

describe('imports', () => {
  it('form no loop between files', () => {
    expect(cycles(graph).map((c) => c.map(rel))).toEqual([]);
  });

  it('form no loop between folders (the pure engine counted apart from the workflow shell)', () => {
    const asGraph = new Map([...layers].map(([from, to]) => [from, [...to.keys()]]));
    const loops = cycles(asGraph).map((loop) =>
      loop.map(
        (from) =>
          `${from}: ${loop
            .map((to) => layers.get(from)?.get(to))
            .filter(Boolean)
            .join(', ')}`
      )
    );
    expect(loops).toEqual([]);
  });

  it('keep the pure engine free of the Temporal shell and of every layer that does I/O', () => {
    expect([...(layers.get('workflows/engine')?.values() ?? [])]).toEqual([]);
  });

  it('keep workflow code to the engine: nothing from activities, the database, the API or the worker', () => {
    expect([...(layers.get('workflows')?.keys() ?? [])]).toEqual(['workflows/engine']);
  });

  it('never reach into the specs from shipped code or the benchmarks', () => {
    const intoTests = [...graph].flatMap(([from, to]) =>
      to.filter((t) => rel(t).startsWith(`test${path.sep}`)).map((t) => `${rel(from)} → ${rel(t)}`)
    );
    expect(intoTests).toEqual([]);
  });
});
