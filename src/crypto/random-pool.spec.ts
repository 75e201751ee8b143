import { pooledRandomBytes } from './random-pool';

describe('pooled random bytes', () => {
  it('hands out fresh bytes of the asked length, across refills of the pool', () => {
    const seen = new Set<string>();
    // 2,000 draws of 12 bytes cross several 4 KB refills.
    for (let i = 0; i < 2000; i++) {
      const iv = pooledRandomBytes(12);
      expect(iv.length).toBe(12);
      seen.add(iv.toString('hex'));
    }
    expect(seen.size).toBe(2000);
  });

  it('never changes a draw afterwards, also when the pool refills', () => {
    const first = pooledRandomBytes(16);
    const kept = Buffer.from(first);
    for (let i = 0; i < 1000; i++) pooledRandomBytes(16);
    expect(first.equals(kept)).toBe(true);
  });

  it('serves a draw larger than the pool directly', () => {
    expect(pooledRandomBytes(10_000).length).toBe(10_000);
  });

  it('looks uniform: every byte value turns up in 64 KB of draws', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 8192; i++) for (const b of pooledRandomBytes(8)) counts[b]++;
    // Expected 256 per value; a stuck or zeroed pool would leave most at 0.
    expect(Math.min(...counts)).toBeGreaterThan(150);
  });
});
