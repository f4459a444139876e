import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const ROOT = path.join(__dirname, '..', '..');

/** The folders that ship or are shared with the specs; test/ may import all of them, none of them imports test/. */
export const SOURCE_FOLDERS = ['workflows', 'activities', 'api', 'db', 'cli', 'codec', 'worker', 'scenarios', 'bench'];

/** The layer a file belongs to: its top-level folder, except the pure engine, which is a layer of its own. */
export function layerOf(file: string): string {
  const rel = path.relative(ROOT, file).split(path.sep);
  if (rel[0] === 'workflows' && rel[1] === 'engine') return 'workflows/engine';
  return rel[0]!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

function resolveRelative(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/**
 * Every relative import of every file under `folders`, type-only imports included (a type import is still a
 * dependency of the reader), as the TypeScript scanner sees them.
 */
export function importGraph(folders: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of folders.flatMap((f) => sourceFiles(path.join(ROOT, f)))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolveRelative(file, spec))
      .filter((t): t is string => t !== undefined);
    graph.set(file, targets);
  }
  return graph;
}

/** The strongly connected components with more than one member (or a self-loop): each one is an import loop. */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return found;
}

/** The graph between layers, with one example import behind each edge. */
export function layerGraph(graph: ReadonlyMap<string, readonly string[]>): Map<string, Map<string, string>> {
  const layers = new Map<string, Map<string, string>>();
  for (const [from, targets] of graph) {
    const a = layerOf(from);
    if (!layers.has(a)) layers.set(a, new Map());
    for (const to of targets) {
      const b = layerOf(to);
      if (a !== b && !layers.get(a)!.has(b))
        layers.get(a)!.set(b, `${path.relative(ROOT, from)} → ${path.relative(ROOT, to)}`);
    }
  }
  return layers;
}
