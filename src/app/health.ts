/**
 * Readiness as a pure decision: the daemon is ready only when every camera streams, the reader
 * and the store are up and (when delivery is enabled) the broker is connected. Every failing
 * part is named, so an installer reading /healthz knows what to fix.
 */
/** 'reconnecting': a live camera lost its stream and is retrying with backoff. */
export type CameraState = 'starting' | 'streaming' | 'reconnecting' | 'ended' | 'failed';

export interface HealthSnapshot {
  cameras: Array<{ id: string; state: CameraState; error?: string }>;
  readerLoaded: boolean;
  storeOpen: boolean;
  mqttEnabled: boolean;
  brokerConnected: boolean;
  outboxPending: number;
  outboxOldestAgeMs: number | null;
}

export interface HealthReport {
  ready: boolean;
  reasons: string[];
  checks: Record<string, 'ok' | 'fail'>;
}

export function assessHealth(s: HealthSnapshot): HealthReport {
  const reasons: string[] = [];
  const checks: Record<string, 'ok' | 'fail'> = {};
  const check = (name: string, ok: boolean, reason: string): void => {
    checks[name] = ok ? 'ok' : 'fail';
    if (!ok) reasons.push(reason);
  };
  check('models', s.readerLoaded, 'plate reader models not loaded');
  check('store', s.storeOpen, 'detection store not open');
  for (const cam of s.cameras) {
    const ok = cam.state === 'streaming' || cam.state === 'ended';
    check(`camera:${cam.id}`, ok, `camera ${cam.id} ${cam.state}${cam.error ? `: ${cam.error}` : ''}`);
  }
  if (s.cameras.length === 0) check('cameras', false, 'no camera configured');
  if (s.mqttEnabled) {
    const age = s.outboxOldestAgeMs === null ? '' : `, oldest ${Math.round(s.outboxOldestAgeMs / 1000)} s`;
    check('broker', s.brokerConnected, `broker not connected (${s.outboxPending} hit(s) waiting in the outbox${age})`);
  }
  return { ready: reasons.length === 0, reasons, checks };
}
