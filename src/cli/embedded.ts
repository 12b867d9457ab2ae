import { resolve } from 'node:path';
import type { Command } from 'commander';
import { openDb, storeOptionsFromEnv, type Db } from '../store/index.js';
import { Registry } from '../registry/index.js';
import { registryUserInStore } from '../endpoints/index.js';

/** The data dir from --data-dir / SPLITSERVE_DATA_DIR (default ./.splitserve). */
export function dataDirOf(cmd: Command): string {
  return resolve((cmd.optsWithGlobals() as { dataDir?: string }).dataDir ?? process.env.SPLITSERVE_DATA_DIR ?? './.splitserve');
}

/** Opens the registry in the data dir without starting a server (train, models). */
export async function withRegistry<T>(cmd: Command, fn: (registry: Registry, db: Db) => Promise<T>): Promise<T> {
  const dataDir = dataDirOf(cmd);
  const db = await openDb(storeOptionsFromEnv(dataDir));
  try {
    const registry = await Registry.open(db, dataDir);
    registry.inUse = (name, version) => registryUserInStore(db, registry, name, version);
    return await fn(registry, db);
  } finally {
    await db.close();
  }
}
