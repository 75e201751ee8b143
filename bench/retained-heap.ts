/**
 * Heap the detection engine keeps after detecting many distinct prompts: what its caches retain.
 * Each prompt goes through JSON.parse first, as a request body does, so the texts are fresh
 * strings. Run: `npm run build && node --expose-gc dist/bench/retained-heap.js [prompts]`.
 */
import { DetectionEngine } from '../src/detection';
import { benchPrompt } from './http';

function main(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const prompts = Number(process.argv[2] ?? 6000);
  const engine = new DetectionEngine();
  const detect = (from: number, count: number) => {
    for (let i = from; i < from + count; i++) {
      const body = JSON.parse(JSON.stringify({ text: benchPrompt(i) })) as { text: string };
      engine.detect(body.text);
    }
  };
  detect(0, 500); // warm: lazily loaded lists and model
  gc();
  const before = process.memoryUsage().heapUsed;
  detect(1_000_000, prompts);
  gc();
  gc();
  const grown = (process.memoryUsage().heapUsed - before) / 1e6;
  console.log(`heap retained after ${prompts} more distinct prompts: ${grown.toFixed(1)} MB`);
}

main();
