/** Builds the configured central store adapter (reads the database password file). */
import type { CentralStoreConfig } from './config.ts';
import { readSecretFile } from './config.ts';
import { PostgresCentralStore } from './postgres-store.ts';
import { SqliteCentralStore } from './sqlite-store.ts';
import type { CentralStore } from './store.ts';

export function createCentralStore(cfg: CentralStoreConfig): CentralStore {
  if (cfg.kind === 'sqlite') return new SqliteCentralStore(cfg.path);
  const password = cfg.passwordFile === undefined ? undefined : readSecretFile(cfg.passwordFile, 'store.passwordFile');
  return new PostgresCentralStore({
    ...(cfg.url === undefined ? { host: cfg.host, port: cfg.port, database: cfg.database, user: cfg.user } : { connectionString: cfg.url }),
    ...(password === undefined ? {} : { password }),
    ssl: cfg.ssl,
    poolSize: cfg.poolSize,
  });
}
