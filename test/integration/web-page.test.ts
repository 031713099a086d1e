/**
 * The officer's page in real headless Chromium against the API on a real store (no camera):
 * hot-list entry and approval by another supervisor, an evidence hold placed and released, and
 * hostile text in stored data shown as text, never run as markup.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedHit, seedRead } from '../support/api-db.ts';
import { PASSWORD, startApiHarness, type ApiHarness } from '../support/api-server.ts';

let h: ApiHarness;
let browser: Browser;
let base: string;
const HOSTILE = '<img src=x onerror="window.__owned=1">';

beforeAll(async () => {
  h = await startApiHarness();
  seedRead(h.db, { id: 'det-1', plate: '6TRK902', capturedAt: h.clock.now() - 60_000 });
  seedHit(h.db, { id: 'hit-1', detectionId: 'det-1', plate: '6TRK902', createdAt: h.clock.now() - 60_000 });
  h.db.prepare('UPDATE hits SET reason = ? WHERE id = ?').run(HOSTILE, 'hit-1');
  base = await h.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function loggedIn(username: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
  await page.goto(base);
  await page.fill('#login-username', username);
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await page.waitForSelector('#app-view:not([hidden])');
  return page;
}

describe("officer's page", () => {
  it('refuses a wrong password with a clear message', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(base);
    await page.fill('#login-username', 'operator');
    await page.fill('#login-password', 'not the password');
    await page.click('#login-submit');
    await expect.poll(() => page.textContent('#login-error')).toBe('wrong user name or password');
  });

  it('shows hostile stored text as text', async () => {
    const page = await loggedIn('operator');
    await page.click('button[data-hit="hit-1"]');
    await page.waitForSelector('#hit-plate');
    expect(await page.textContent('#hit-detail')).toContain(HOSTILE);
    expect(await page.$$('#hit-detail img[src="x"]')).toHaveLength(0);
    expect(await page.evaluate(() => (globalThis as { __owned?: number }).__owned)).toBeUndefined();
    // The operator has no audit or holds tab.
    expect(await page.isVisible('button[data-tab="audit"]')).toBe(false);
    expect(await page.isVisible('button[data-tab="holds"]')).toBe(false);
  });

  it('enters a local hot-list entry, which another supervisor approves', async () => {
    const author = await loggedIn('supervisor');
    await author.click('button[data-tab="hotlist"]');
    await author.fill('#hl-plate', '8XYZ4*');
    await author.fill('#hl-case', '26-9');
    await author.fill('#hl-reason', 'armed robbery suspect');
    await author.click('#hl-submit');
    await author.waitForSelector('#hl-entries tbody tr');
    expect(await author.textContent('#hl-entries tbody tr')).toContain('pending');
    // Its author is offered no approve button.
    expect(await author.$$('#hl-entries button[data-approve]')).toHaveLength(0);

    const approver = await loggedIn('supervisor2');
    await approver.click('button[data-tab="hotlist"]');
    await approver.click('#hl-entries button[data-approve]');
    await expect.poll(() => approver.textContent('#hl-entries tbody tr')).toContain('active');
    expect(h.localChanges).toBeGreaterThanOrEqual(1);
  });

  it('places and releases an evidence hold', async () => {
    const page = await loggedIn('supervisor');
    await page.click('button[data-tab="holds"]');
    await page.fill('#hold-detection', 'det-1');
    await page.fill('#hold-case', '26-7');
    await page.fill('#hold-reason', 'court order');
    await page.click('#hold-submit');
    await page.waitForSelector('#hold-list tbody tr');
    expect(await page.textContent('#hold-list tbody tr')).toContain('court order');
    await page.fill('#hold-list tbody tr input', 'case closed');
    await page.click('#hold-list tbody tr button');
    await expect.poll(async () => (await page.$$('#hold-list tbody tr')).length).toBe(0);
    expect(h.deps.audit.list({ order: 'asc' }).filter((e) => e.action.startsWith('hold-')).map((e) => e.action)).toEqual(['hold-add', 'hold-release']);
  });
});
