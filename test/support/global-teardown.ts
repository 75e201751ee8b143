import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const db = (globalThis as { __piiVaultTestDb?: { stop(): Promise<void>; dataDir: string } })
    .__piiVaultTestDb;
  if (!db) return;
  await db.stop();
  fs.rmSync(db.dataDir, { recursive: true, force: true });
}
