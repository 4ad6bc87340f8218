import { expect, test, type Page } from '@playwright/test';
import { adminPassword, hydrated, signIn } from './helpers';

const basic = 'Basic ' + Buffer.from(`admin:${adminPassword}`).toString('base64');

// Script that, if it ever ran as the signed-in admin, would create an administrator.
const attack =
  "fetch('/api/v1/users',{method:'POST',headers:{'content-type':'application/json'}," +
  "body:JSON.stringify({username:'pwned',password:'pwned-password-1',is_admin:true})});window.__pwned=1";
const hostile = `</title></script><script>${attack}</script><img src=x onerror="${attack}">`;
// Display names are short: this one only shows whether any script ran at all.
const hostileShort = '</title><script>window.__pwned=1;alert(1)</script>';

async function api(page: Page, method: string, path: string, data?: unknown) {
  return page.request.fetch(`/api/v1${path}`, { method, headers: { Authorization: basic }, data });
}

async function expectNothingRan(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  const users = await (await api(page, 'GET', '/users')).json();
  expect(users.map((u: { username: string }) => u.username)).not.toContain('pwned');
}

test('hostile names and manifests run no script for a signed-in admin', async ({ page }) => {
  const dialogs: string[] = [];
  const violations: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });

  await signIn(page, 'admin', adminPassword);
  await expect(page.getByRole('heading', { name: 'Welcome, admin' })).toBeVisible();
  await hydrated(page);
  expect(violations, 'the console itself runs under its policy').toEqual([]);

  // Stored: a workspace's display name (shown on its page and in the switcher) and a
  // registry's description.
  expect((await api(page, 'POST', '/workspaces', { name: 'evil', display_name: hostileShort })).status()).toBe(201);
  await page.goto('/w/evil');
  await hydrated(page);
  await expectNothingRan(page);
  const registry = { name: 'evilreg', visibility: 'private', description: hostile };
  expect((await api(page, 'POST', '/workspaces/evil/registries', registry)).status()).toBe(201);
  for (const path of ['/r/evilreg', '/w/evil/registries']) {
    await page.goto(path);
    await hydrated(page);
    await expectNothingRan(page);
  }

  // Reflected: a registry name in the URL, written into the page title.
  await page.goto(`/r/${encodeURIComponent(hostile)}/cleanup`);
  await expect(page.locator('body')).toBeAttached();
  await expectNothingRan(page);

  // A manifest pushed as text/html to a public registry, opened in the browser.
  expect((await api(page, 'POST', '/workspaces/evil/registries', { name: 'pages', visibility: 'public' })).status()).toBe(201);
  const document = JSON.stringify({ schemaVersion: 2, mediaType: 'text/html', body: `<script>${attack}</script>` });
  const pushed = await page.request.put('/v2/pages/site/manifests/v1', {
    headers: { Authorization: basic, 'Content-Type': 'text/html' },
    data: document,
  });
  expect(pushed.status()).toBe(201);
  await page.goto('/v2/pages/site/manifests/v1').catch(() => {
    // Served as application/octet-stream, the browser downloads it instead.
  });
  await page.goto('/');
  await expectNothingRan(page);
  expect(dialogs).toEqual([]);
});
