import { expect, test } from '@playwright/test';
import { adminPassword, hydrated, shot, signIn } from './helpers';

const basic = (user: string, password: string) =>
  'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');

test('an owner creates a workspace and adds a viewer, who sees no management controls; the audit log shows both', async ({
  page,
  browser,
  baseURL,
}) => {
  // A user to invite, created through the API.
  const created = await page.request.post('/api/v1/users', {
    headers: { Authorization: basic('admin', adminPassword) },
    data: { username: 'vera', password: 'vera-password-1' },
  });
  expect(created.status()).toBe(201);

  await signIn(page, 'admin', adminPassword);
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workspaces' }).click();
  await expect(page).toHaveURL(/\/workspaces$/);
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('globex');
  await page.getByLabel('Display name (optional)').fill('Globex Corp');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page.getByRole('status')).toHaveText('Workspace globex created. You are its owner.');
  await expect(page.locator('tr[data-workspace="globex"]')).toContainText('Owner');
  await shot(page, 'workspaces');

  // The switcher lists it once the shell reloads.
  await page.goto('/');
  await hydrated(page);
  await page.getByRole('button', { name: /Workspace/ }).click();
  await page.locator('#workspace-menu').getByRole('link', { name: /globex/ }).click();
  await expect(page).toHaveURL(/\/w\/globex$/);
  await expect(page.getByRole('heading', { name: 'Globex Corp' })).toBeVisible();
  await shot(page, 'workspace-overview');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
  await expect(page).toHaveURL(/\/w\/globex\/members$/);
  await hydrated(page);
  await page.getByLabel('Username').fill('vera');
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('status')).toHaveText('vera is now viewer.');
  await expect(page.locator('tr[data-member="vera"]')).toContainText('Viewer');
  await shot(page, 'members-owner');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(/\/w\/globex\/audit$/);
  await expect(page.locator('tr[data-action="member.add"]')).toContainText('vera');
  await expect(page.locator('tr[data-action="workspace.create"]')).toContainText('globex');
  await shot(page, 'audit-log');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Delete workspace' })).toBeVisible();
  await hydrated(page);
  const deleteButton = page.getByRole('button', { name: 'Delete this workspace' });
  await expect(deleteButton).toBeDisabled();
  await page.getByLabel('Type globex to confirm').fill('acm');
  await expect(deleteButton).toBeDisabled();
  await shot(page, 'workspace-settings');

  // The viewer's view.
  const context = await browser.newContext({ baseURL });
  const vera = await context.newPage();
  await signIn(vera, 'vera', 'vera-password-1');
  await expect(vera.locator('.workspace-card')).toContainText('globex');
  await vera.goto('/w/globex/members');
  await expect(vera.locator('tr[data-member="vera"]')).toBeVisible();
  await expect(vera.getByText('Only owners can change the members of this workspace.')).toBeVisible();
  await expect(vera.getByRole('button', { name: 'Add member' })).toHaveCount(0);
  await expect(vera.getByRole('button', { name: 'Remove' })).toHaveCount(0);
  await expect(vera.getByRole('button', { name: 'Change role' })).toHaveCount(0);
  const nav = vera.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await shot(vera, 'members-viewer');

  await vera.goto('/w/globex/audit');
  await expect(vera.getByRole('alert')).toHaveText('Only workspace owners and managers may read the audit log.');

  // A forged request from the viewer's own session is refused by the server.
  const forged = await vera.request.post('/console/fn/set_member_role', {
    headers: { Origin: baseURL! },
    form: { workspace: 'globex', username: 'vera', role: 'owner' },
  });
  expect(forged.status()).toBe(403);
  await context.close();

  await page.reload();
  await expect(page.locator('tr[data-action="member.role_change"]')).toHaveCount(0);
});
