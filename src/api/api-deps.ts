/** What the API's routes are built from: the store, the access and audit services, the live-hit hub. */
import type { AuthService } from '../access/auth-service.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { Database } from '../store/db.ts';
import type { IdGenerator } from '../store/ids.ts';
import type { HitEventHub } from './hit-events.ts';

export interface ApiDeps {
  db: Database;
  clock: Clock;
  newId: IdGenerator;
  /** Crops are read from here (paths stored relative to it). */
  dataDir: string;
  auth: AuthService;
  audit: AuditLog;
  hitEvents: HitEventHub;
  logger: Logger;
  /** Mark the session cookie `Secure` (the page is reached over TLS). */
  secureCookie: boolean;
  /** Called after a local hot-list entry is approved or renewed, so matching picks it up at once. */
  onLocalHotlistChanged?: () => void;
  /** Interval of the live stream's keep-alive comments, ms. */
  keepAliveMs?: number;
}
