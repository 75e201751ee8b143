/**
 * Preload for a service under test: records event-loop stalls (a 2 ms timer that fires more than
 * 12 ms late, with the process CPU used meanwhile, all threads) and garbage collections over 4 ms,
 * and writes them as JSON to STALL_PROBE_FILE when the process gets SIGTERM or exits. CPU above
 * the stall's length means other threads of the process (GC markers) ran alongside; well below
 * it, the process was waiting for a core.
 *   STALL_PROBE_FILE=/tmp/stalls.json node -r ./dist/bench/stall-probe.js dist/src/main.js
 * Each entry: [ms since start, stall ms, CPU ms] and [ms since start, GC ms, GC kind].
 */
import { writeFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';

const STALL_MS = 12;
const GC_MS = 4;
const stalls: [number, number, number][] = [];
const collections: [number, number, number][] = [];

let last = performance.now();
let lastCpu = process.cpuUsage();
const tick = () => {
  const now = performance.now();
  const cpu = process.cpuUsage();
  if (now - last > STALL_MS) {
    const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    stalls.push([Math.round(last), Math.round(now - last), Math.round(cpuMs)]);
  }
  last = now;
  lastCpu = cpu;
  setTimeout(tick, 2).unref();
};
setTimeout(tick, 2).unref();

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.duration <= GC_MS) continue;
    const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? 0;
    collections.push([Math.round(entry.startTime), Number(entry.duration.toFixed(1)), kind]);
  }
}).observe({ entryTypes: ['gc'] });

let written = false;
const write = () => {
  const file = process.env.STALL_PROBE_FILE;
  if (written || !file) return;
  written = true;
  writeFileSync(file, JSON.stringify({ stalls, collections }));
};
process.on('SIGTERM', write);
process.on('exit', write);
