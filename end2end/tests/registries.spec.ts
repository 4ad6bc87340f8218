import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { adminPassword, hydrated, shot, signIn } from './helpers';

const basic = (user: string, password: string) => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');

function sh(command: string, args: string[], cwd?: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a command shown in the console, adding the flags a plain-HTTP test server needs. */
function runShown(command: string, extra: string[], cwd: string): string {
  const words = command.trim().split(/\s+/);
  return sh(words[0], [...words.slice(1, 2), ...extra, ...words.slice(2)], cwd);
}

async function createRegistry(page: Page, name: string, visibility: 'private' | 'public' = 'private') {
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel(new RegExp(`^${visibility === 'private' ? 'Private' : 'Public'}`)).check();
  await page.getByRole('button', { name: 'Create registry' }).click();
  await expect(page.getByText(`Registry ${name} created.`)).toBeVisible();
}

test('registries: create, push with the drawer command, public and private, robots, bulk delete, destroy', async ({
  page,
  browser,
  baseURL,
}) => {
  const host = new URL(baseURL!).host;
  const api = (path: string, data: object) =>
    page.request.post(`/api/v1${path}`, { headers: { Authorization: basic('admin', adminPassword) }, data });
  expect((await api('/workspaces', { name: 'acme' })).status()).toBe(201);
  expect((await api('/users', { username: 'val', password: 'val-password-1' })).status()).toBe(201);
  expect(
    (await page.request.put('/api/v1/workspaces/acme/members/val', {
      headers: { Authorization: basic('admin', adminPassword) },
      data: { role: 'viewer' },
    })).status(),
  ).toBe(200);

  page.on('console', (m) => { if (m.type() === 'error') console.log('BROWSER', m.text().slice(0, 600)); });
  await signIn(page, 'admin', adminPassword);
  await page.goto('/w/acme/registries');
  await hydrated(page);
  await expect(page.getByText('No registries yet.')).toBeVisible();

  // The name is checked while typing, and by the server.
  await page.getByLabel('Name', { exact: true }).fill('Bad Name');
  await expect(page.locator('#registry-name-hint')).toContainText('lowercase letters and digits');
  await expect(page.getByRole('button', { name: 'Create registry' })).toBeDisabled();
  await createRegistry(page, 'apps');
  await createRegistry(page, 'old-one');
  await createRegistry(page, 'old-two', 'public');
  await expect(page.locator('tr[data-registry="apps"]')).toContainText('Private');
  await shot(page, 'registries');

  // Bulk delete two registries after one confirmation that names them.
  await page.getByLabel('Select old-one').check();
  await page.getByLabel('Select old-two').check();
  await page.getByRole('button', { name: 'Delete selected (2)' }).click();
  const confirm = page.locator('#confirm-delete-registries');
  await expect(confirm).toBeVisible();
  await expect(confirm.locator('.confirm-list')).toHaveText(/old-one[\s\S]*old-two/);
  await shot(page, 'registries-bulk-delete');
  await confirm.getByRole('button', { name: 'Delete 2 registries' }).click();
  await expect(page.getByText('Deleted old-one, old-two.')).toBeVisible();
  await expect(page.locator('tr[data-registry]')).toHaveCount(1);

  // The registry page, and a push with the command from the drawer.
  await page.locator('tr[data-registry="apps"] a').click();
  await expect(page).toHaveURL(/\/r\/apps$/);
  await hydrated(page);
  await expect(page.getByTestId('endpoint')).toHaveText(`${host}/apps`);
  await shot(page, 'registry');
  await page.getByRole('button', { name: 'View Push Commands' }).click();
  const drawer = page.locator('#push-commands');
  await expect(drawer).toBeVisible();
  await drawer.getByRole('tab', { name: 'skopeo' }).click();
  await shot(page, 'push-commands');
  const blocks = drawer.locator('pre code');
  const login = (await blocks.nth(0).textContent())!;
  const copy = (await blocks.nth(2).textContent())!;
  expect(login).toBe(`skopeo login ${host} -u admin`);
  expect(copy).toBe(`skopeo copy --all oci:./my-app:latest docker://${host}/apps/my-app:latest`);
  await drawer.getByRole('button', { name: 'Copy: Sign in' }).click();
  await expect(drawer.getByRole('button', { name: 'Copy: Sign in' })).toHaveText('Copied ✓');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();

  const work = mkdtempSync(join(tmpdir(), 'berth-e2e-'));
  sh('python3', [join(__dirname, '..', 'fixtures', 'make_layout.py'), join(work, 'my-app'), '2']);
  const auth = join(work, 'auth.json');
  runShown(login, ['--tls-verify=false', '--authfile', auth, '-p', adminPassword], work);
  // An OCI layout's tag is in its index as "latest".
  runShown(copy, ['--dest-tls-verify=false', '--authfile', auth], work);
  for (const tag of ['v2', 'v3']) {
    sh('skopeo', ['copy', '--dest-tls-verify=false', '--authfile', auth, `oci:${join(work, 'my-app')}:latest`, `docker://${host}/apps/my-app:${tag}`]);
  }
  await page.reload();
  await expect(page.locator('tr[data-repository="my-app"]')).toContainText('3');

  // The repository: select two tags and delete them; the tag page shows the image.
  await page.locator('tr[data-repository="my-app"] a').click();
  await expect(page).toHaveURL(/\/r\/apps\/repo\/my-app$/);
  await hydrated(page);
  await expect(page.locator('tr[data-tag]')).toHaveCount(3);
  await shot(page, 'repository');

  // Immutable tags: a lock on each tag, and deletes refused with a readable reason.
  await page.getByRole('button', { name: 'Make tags immutable' }).click();
  await expect(page.getByText('Tags are immutable')).toBeVisible();
  await expect(page.locator('tr[data-tag="v2"] .lock')).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Select v2').check();
  await page.getByRole('button', { name: 'Delete selected (1)' }).click();
  await page.locator('#confirm-delete-tags').getByRole('button', { name: 'Delete 1 tags' }).click();
  await expect(page.getByRole('alert')).toContainText("The tag 'v2' is immutable");
  await shot(page, 'repository-immutable');
  await page.getByRole('button', { name: 'Allow overwrites' }).click();
  await expect(page.getByText('Tags can be overwritten')).toBeVisible();
  await expect(page.locator('tr[data-tag]')).toHaveCount(3);

  await page.getByLabel('Select v2').check();
  await page.getByLabel('Select v3').check();
  await page.getByRole('button', { name: 'Delete selected (2)' }).click();
  await expect(page.locator('#confirm-delete-tags .confirm-list')).toHaveText(/v2[\s\S]*v3/);
  await shot(page, 'delete-tags');
  await page.locator('#confirm-delete-tags').getByRole('button', { name: 'Delete 2 tags' }).click();
  await expect(page.getByText('Deleted 2 tags.')).toBeVisible();
  await expect(page.locator('tr[data-tag]')).toHaveCount(1);
  await expect(page.locator('tr[data-tag="latest"]')).toContainText('linux/amd64');

  // Descriptions: Markdown with a live preview; markup in it stays inert.
  await page.getByRole('button', { name: 'Edit description' }).click();
  await page.getByLabel('Short description (at most 100 characters)').fill('The demo app');
  await page.getByLabel('Description (Markdown)').fill('# Hello\n\n<script>window.pwned = 1</script>\n\n[docs](https://example.com)');
  const preview = page.getByTestId('preview');
  await expect(preview.locator('h1')).toHaveText('Hello');
  await expect(preview.locator('script')).toHaveCount(0);
  await expect(preview).toContainText('<script>window.pwned = 1</script>');
  await shot(page, 'description-editor');
  await page.getByRole('button', { name: 'Save description' }).click();
  await expect(page.getByTestId('short-description')).toHaveText('The demo app');
  await expect(page.getByTestId('description').locator('h1')).toHaveText('Hello');
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  await page.locator('tr[data-tag="latest"] a').click();
  await expect(page.getByRole('heading', { name: 'Layers (2)' })).toBeVisible();
  await expect(page.getByText('ADD file0.bin /')).toBeVisible();
  await expect(page.getByTestId('digest')).toHaveText(/^sha256:/);
  await shot(page, 'tag');

  // At phone width the page still works: the actions stay reachable.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/r/apps');
  await hydrated(page);
  await expect(page.getByRole('button', { name: 'View Push Commands' })).toBeVisible();
  await shot(page, 'registry-phone');
  await page.setViewportSize({ width: 1280, height: 720 });

  // Make Public: anonymous pulls work at once; Make Private: they stop at once.
  const anonymousPull = () => {
    try {
      sh('skopeo', ['inspect', '--tls-verify=false', '--no-creds', `docker://${host}/apps/my-app:latest`]);
      return true;
    } catch {
      return false;
    }
  };
  expect(anonymousPull()).toBe(false);
  await hydrated(page);
  await page.getByRole('button', { name: 'Make Public' }).click();
  const visibility = page.locator('#visibility-dialog');
  await expect(visibility).toContainText('Anyone, signed in or not, will be able to pull');
  await shot(page, 'make-public');
  await visibility.getByRole('button', { name: 'Make Public' }).click();
  await expect(page.getByText('apps is now public.')).toBeVisible();
  expect(anonymousPull()).toBe(true);
  await page.getByRole('button', { name: 'Make Private' }).click();
  await page.locator('#visibility-dialog').getByRole('button', { name: 'Make Private' }).click();
  await expect(page.getByText('apps is now private.')).toBeVisible();
  expect(anonymousPull()).toBe(false);

  // A robot from View Credentials, and a login with its secret.
  await page.getByRole('button', { name: 'View Credentials' }).click();
  const credentials = page.locator('#credentials-dialog');
  await credentials.getByLabel('New robot name').fill('ci');
  await credentials.getByLabel('Permission').selectOption('push');
  await credentials.getByRole('button', { name: 'Create robot' }).click();
  const secret = (await credentials.locator('.robot-secret-value').textContent())!.trim();
  expect(secret.length).toBeGreaterThan(30);
  await expect(credentials.locator('tr[data-robot="ci"]')).toContainText('pull + push');
  await expect(credentials.getByRole('link', { name: 'Download as Docker config.json' })).toHaveAttribute('download', 'config.json');
  await shot(page, 'credentials');
  sh('skopeo', ['login', '--tls-verify=false', '--authfile', join(work, 'robot.json'), '-u', 'robot$apps+ci', '-p', secret, host]);
  sh('skopeo', ['inspect', '--tls-verify=false', '--authfile', join(work, 'robot.json'), `docker://${host}/apps/my-app:latest`]);
  await page.keyboard.press('Escape');

  // The viewer sees no management controls, and a forged request is refused.
  const context = await browser.newContext({ baseURL });
  const val = await context.newPage();
  await signIn(val, 'val', 'val-password-1');
  await val.goto('/r/apps');
  await hydrated(val);
  await expect(val.getByRole('button', { name: 'View Push Commands' })).toBeVisible();
  await expect(val.getByRole('button', { name: 'Make Public' })).toHaveCount(0);
  await expect(val.getByRole('heading', { name: 'Destroy registry' })).toHaveCount(0);
  await val.getByRole('button', { name: 'View Credentials' }).click();
  await expect(val.locator('#credentials-dialog')).toContainText('managed by the workspace');
  await shot(val, 'registry-viewer');
  const forged = await val.request.post('/console/fn/set_registry_visibility', {
    headers: { Origin: baseURL! },
    form: { registry: 'apps', visibility: 'public' },
  });
  expect(forged.status()).toBe(403);
  await context.close();

  // Destroy: a wrong name keeps the button disabled; the right one reports what went.
  const destroy = page.getByRole('button', { name: 'Destroy this registry' });
  await expect(destroy).toBeDisabled();
  await page.getByLabel('Type apps to confirm').fill('app');
  await expect(destroy).toBeDisabled();
  await page.getByLabel('Type apps to confirm').fill('apps');
  await expect(destroy).toBeEnabled();
  await shot(page, 'destroy');
  await destroy.click();
  await expect(page.getByTestId('destroy-report')).toContainText('Registry apps destroyed: 1 repositories, 1 tags');
});

test('a manager sets, rejects a bad value for, and removes a registry quota', async ({ page }) => {
  const headers = { Authorization: basic('admin', adminPassword) };
  expect((await page.request.post('/api/v1/workspaces', { headers, data: { name: 'quota-ws' } })).status()).toBe(201);
  expect(
    (await page.request.post('/api/v1/workspaces/quota-ws/registries', { headers, data: { name: 'quotas', visibility: 'private' } })).status(),
  ).toBe(201);
  await signIn(page, 'admin', adminPassword);
  await page.goto('/r/quotas');
  await hydrated(page);
  await expect(page.getByTestId('quota')).toContainText('No limit');

  const setQuota = async (value: string) => {
    await page.getByRole('button', { name: 'Set quota' }).click();
    await page.getByLabel('Quota (GB)').fill(value);
    await page.getByRole('button', { name: 'Save quota' }).click();
  };
  await setQuota('ten');
  await expect(page.getByRole('alert')).toContainText('gigabytes');
  await setQuota('0.00001');
  await expect(page.getByText('quotas quota: 10.0 kB.')).toBeVisible();
  await expect(page.getByTestId('quota')).toContainText('0 B of 10.0 kB used');
  const api = await page.request.get('/api/v1/registries/quotas', { headers });
  expect((await api.json()).quota_bytes).toBe(10000);
  await setQuota('');
  await expect(page.getByTestId('quota')).toContainText('No limit');
});

test('the registry list pages by 25 and the pager moves between pages', async ({ page }) => {
  const headers = { Authorization: basic('admin', adminPassword) };
  expect((await page.request.post('/api/v1/workspaces', { headers, data: { name: 'paged-ws' } })).status()).toBe(201);
  for (let i = 0; i < 27; i++) {
    const name = `reg${String(i).padStart(2, '0')}`;
    const created = await page.request.post('/api/v1/workspaces/paged-ws/registries', { headers, data: { name, visibility: 'private' } });
    expect(created.status()).toBe(201);
  }
  await signIn(page, 'admin', adminPassword);
  await page.goto('/w/paged-ws/registries');
  await hydrated(page);
  const pager = page.getByRole('navigation', { name: 'Pages' });
  const previous = pager.getByRole('button', { name: '← Previous' });
  const next = pager.getByRole('button', { name: 'Next →' });
  await expect(pager).toContainText('Page 1 of 2 · 27 registries');
  await expect(page.locator('tr[data-registry]')).toHaveCount(25);
  await expect(previous).toBeDisabled();
  await expect(next).toBeEnabled();

  await next.click();
  await expect(pager).toContainText('Page 2 of 2 · 27 registries');
  await expect(page.locator('tr[data-registry]')).toHaveCount(2);
  await expect(next).toBeDisabled();
  await previous.click();
  await expect(pager).toContainText('Page 1 of 2');
  await expect(previous).toBeDisabled();

  // The filter runs on the server as you type, and the field keeps its focus.
  const filter = page.getByLabel('Filter registries by name');
  await filter.pressSequentially('reg2');
  await expect(pager).toContainText('Page 1 of 1 · 7 registries');
  await expect(page.locator('tr[data-registry]')).toHaveCount(7);
  await expect(filter).toBeFocused();
  await expect(filter).toHaveValue('reg2');
});
