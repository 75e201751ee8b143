import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * README's "Architecture" diagram, eslint.config.mjs's MAY_IMPORT (which `npm run lint`
 * enforces) and the imports in src/ must tell the same story.
 */
const ROOT = path.join(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src');

type Graph = Record<string, string[]>;

function allowedGraph(): Graph {
  const script = `import(${JSON.stringify(path.join(ROOT, 'eslint.config.mjs'))})
    .then((m) => process.stdout.write(JSON.stringify(m.MAY_IMPORT)))`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
  ) as Graph;
}

function readmeGraph(): Graph {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Architecture'));
  const block = /```mermaid\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const graph: Graph = {};
  const name = (id: string) => id.trim().replace(/_/g, '-');
  for (const line of block.split('\n')) {
    const edge = /^\s*([\w-]+)\s*-->\s*(.+)$/.exec(line);
    if (edge) graph[name(edge[1])] = edge[2].split('&').map(name).sort();
  }
  return graph;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return filesUnder(full);
    return full.endsWith('.ts') && !full.endsWith('.spec.ts') ? [full] : [];
  });
}

/** Folder-to-folder imports as the code makes them (relative imports only). */
function actualGraph(): Graph {
  const graph: Record<string, Set<string>> = {};
  for (const file of filesUnder(SRC)) {
    const [from, ...rest] = path.relative(SRC, file).split(path.sep);
    if (rest.length === 0) continue; // the composition root
    for (const match of readFileSync(file, 'utf8').matchAll(/from\s+'(\.[^']+)'/g)) {
      const [to, ...inner] = path
        .relative(SRC, path.resolve(path.dirname(file), match[1]))
        .split(path.sep);
      const target = inner.length === 0 ? path.basename(to, '.ts') : to;
      if (target !== from) (graph[from] ??= new Set()).add(target);
    }
  }
  return Object.fromEntries(Object.entries(graph).map(([k, v]) => [k, [...v].sort()]));
}

describe('architecture', () => {
  const allowed = allowedGraph();

  it('README draws exactly the graph the lint rule allows', () => {
    const drawn = readmeGraph();
    const expected = Object.fromEntries(
      Object.entries(allowed)
        .filter(([, targets]) => targets.length > 0)
        .map(([k, v]) => [k, [...v].sort()]),
    );
    expect(drawn).toEqual(expected);
  });

  it('every folder of src/ has its place in the graph', () => {
    const folders = readdirSync(SRC).filter((e) => statSync(path.join(SRC, e)).isDirectory());
    expect(folders.sort()).toEqual(Object.keys(allowed).sort());
  });

  it('src/ imports only along the allowed graph', () => {
    const outside = Object.entries(actualGraph()).flatMap(([from, targets]) =>
      targets.filter((t) => !allowed[from]?.includes(t)).map((t) => `${from} -> ${t}`),
    );
    expect(outside).toEqual([]);
  });
});
