/**
 * `npm run bench`: every benchmark of the project, printing numbers measured on this machine.
 * BENCH_ONLY=detection|http|gateway|discovery runs one section.
 */
import { runDetectionBench } from './detection';
import { runDiscoveryBench } from './discovery';
import { runGatewayBench } from './gateway';
import { runHttpBench } from './http';

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  console.log(`PII Vault benchmarks — node ${process.version}, ${new Date().toISOString()}`);
  if (!only || only === 'detection') await runDetectionBench();
  if (!only || only === 'http') await runHttpBench();
  if (!only || only === 'gateway') await runGatewayBench();
  if (!only || only === 'discovery') await runDiscoveryBench();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
