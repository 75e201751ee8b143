/** `npm run bench:discovery`: the discovery bench alone (also part of `npm run bench`). */
import { runDiscoveryBench } from './discovery';

runDiscoveryBench().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
