import fs from 'node:fs';
import path from 'node:path';

/**
 * Issue 12 item 10: no route, variable or flag of the product may switch auditing, rate limits,
 * the reveal budget, logs, metrics or headers off. The benchmark builds its "off" variants under
 * bench/; the names of the switches it used to flip inside the service must not come back.
 */
const FORBIDDEN = [
  'BenchSwitches',
  'auditOff',
  'opsOff',
  'PII_VAULT_BENCH_ENDPOINTS',
  'bench/switches',
  'v1/bench',
  'BenchCeiling',
  'benchSwitchableSink',
];

const SRC = path.resolve(__dirname, '..', '..', 'src');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

describe('src/ holds no bench switch', () => {
  const files = filesUnder(SRC);

  it('reads the source tree', () => {
    expect(files.some((f) => f.endsWith(path.join('src', 'server.ts')))).toBe(true);
    expect(files.length).toBeGreaterThan(50);
  });

  it.each(FORBIDDEN)('no file under src/ mentions %s', (name) => {
    const hits = files
      .filter((file) => fs.readFileSync(file, 'utf8').includes(name))
      .map((file) => path.relative(SRC, file));
    expect(hits).toEqual([]);
  });

  it('no src/bench-ceiling directory', () => {
    expect(fs.existsSync(path.join(SRC, 'bench-ceiling'))).toBe(false);
  });
});
