import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';

const base = { cameras: [{ type: 'image-folder', id: 'cam1', path: 'frames' }] };

describe('hotlist config', () => {
  it('has safe defaults', () => {
    const cfg = configSchema.parse(base);
    expect(cfg.hotlist).toEqual({ importOnStart: [], importMode: 'apply-valid', feeds: [], push: { enabled: false, sources: [] }, staleCheckS: 300 });
  });

  it('fills feed defaults and requires a public key for feeds or push', () => {
    const feed = { source: 'ca-doj', url: 'https://lists.example.org/ca.json' };
    const noKey = configSchema.safeParse({ ...base, hotlist: { feeds: [feed] } });
    expect(noKey.success).toBe(false);
    expect(noKey.error?.issues[0]).toMatchObject({ path: ['hotlist', 'publicKey'], message: expect.stringMatching(/unsigned lists are never applied/) });
    expect(configSchema.safeParse({ ...base, hotlist: { push: { enabled: true } } }).success).toBe(false);
    const key = 'MCowBQYDK2VwAyEA9Yt1ZP0SGv8c4j3pKkS0p0u2vVxwz6H8Yq3m3x6QyXU=';
    const cfg = configSchema.parse({ ...base, hotlist: { publicKey: key, feeds: [feed] } });
    expect(cfg.hotlist.feeds[0]).toEqual({ ...feed, intervalS: 900, maxAgeHours: 24, mode: 'all-or-nothing' });
  });

  it('rejects bad feeds', () => {
    const key = 'x'.repeat(44);
    expect(configSchema.safeParse({ ...base, hotlist: { publicKey: key, feeds: [{ source: 's', url: 'ftp://x' }] } }).success).toBe(false);
    expect(configSchema.safeParse({ ...base, hotlist: { publicKey: key, feeds: [{ source: 's', url: 'https://x', intervalS: 1 }] } }).success).toBe(false);
    const dup = configSchema.safeParse({ ...base, hotlist: { publicKey: key, feeds: [{ source: 's', url: 'https://x' }, { source: 's', url: 'https://y' }] } });
    expect(dup.error?.issues[0]?.message).toBe('duplicate feed source "s"');
  });
});
