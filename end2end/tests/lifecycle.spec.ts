import { createHash } from 'node:crypto';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { adminPassword, hydrated, shot, signIn } from './helpers';

const auth = { Authorization: 'Basic ' + Buffer.from(`admin:${adminPassword}`).toString('base64') };
const sha256 = (data: Buffer) => 'sha256:' + createHash('sha256').update(data).digest('hex');
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

async function pushBlob(request: APIRequestContext, name: string, data: Buffer) {
  const response = await request.post(`/v2/${name}/blobs/uploads/?digest=${sha256(data)}`, {
    headers: { ...auth, 'Content-Type': 'application/octet-stream' },
    data,
  });
  expect(response.status()).toBe(201);
}

/** Pushes a one-layer image (or, with `subject`, an artifact referring to it); returns the manifest. */
async function pushImage(request: APIRequestContext, name: string, reference: string | null, seed: string, subject?: Buffer, artifactType?: string) {
  const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', seed }));
  const layer = Buffer.from(`layer of ${seed} `.repeat(200));
  await pushBlob(request, name, config);
  await pushBlob(request, name, layer);
  const descriptor = (mediaType: string, data: Buffer) => ({ mediaType, digest: sha256(data), size: data.length });
  const manifest: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptor('application/vnd.oci.image.config.v1+json', config),
    layers: [descriptor('application/vnd.oci.image.layer.v1.tar', layer)],
  };
  if (subject) manifest.subject = descriptor(OCI_MANIFEST, subject);
  if (artifactType) manifest.artifactType = artifactType;
  const bytes = Buffer.from(JSON.stringify(manifest));
  const response = await request.put(`/v2/${name}/manifests/${reference ?? sha256(bytes)}`, {
    headers: { ...auth, 'Content-Type': OCI_MANIFEST },
    data: bytes,
  });
  expect(response.status()).toBe(201);
  return bytes;
}

test('lifecycle: clean up with preview and selection, retention policy, untagged images and referrers, garbage collection', async ({ page }) => {
  const api = (method: string, path: string, data?: object) =>
    page.request.fetch(`/api/v1${path}`, { method, headers: auth, data });
  expect((await api('POST', '/workspaces', { name: 'lifecycle' })).status()).toBe(201);
  expect((await api('POST', '/workspaces/lifecycle/registries', { name: 'shelf', visibility: 'private' })).status()).toBe(201);
  const v1 = await pushImage(page.request, 'shelf/web', 'v1', 'web-1');
  await pushImage(page.request, 'shelf/web', 'v2', 'web-2');
  const v3 = await pushImage(page.request, 'shelf/web', 'v3', 'web-3');
  await pushImage(page.request, 'shelf/web', 'latest', 'web-3');
  await pushImage(page.request, 'shelf/web', null, 'v1-signature', v1, 'application/vnd.dev.cosign.artifact.sig.v1+json');
  await pushImage(page.request, 'shelf/web', null, 'v3-sbom', v3, 'application/spdx+json');
  const loose = await pushImage(page.request, 'shelf/web', null, 'loose');
  await pushImage(page.request, 'shelf/locked', 'v1', 'locked-1');
  await pushImage(page.request, 'shelf/locked', 'v2', 'locked-2');
  expect((await api('PATCH', '/registries/shelf/repositories/locked', { immutable_tags: true })).status()).toBe(200);

  page.on('console', (m) => { if (m.type() === 'error') console.log('BROWSER', m.text().slice(0, 600)); });
  await signIn(page, 'admin', adminPassword);

  // Referrers sit under their image; the untagged image has its own list.
  await page.goto('/r/shelf/repo/web');
  await hydrated(page);
  await expect(page.locator('tr[data-tag="v1"] .referrers')).toContainText('signature');
  await expect(page.locator('tr[data-tag="v3"] .referrers')).toContainText('SBOM');
  await expect(page.locator('tr[data-tag]')).toHaveCount(4);
  const untagged = page.getByTestId('untagged-images');
  await expect(untagged.locator('tr[data-digest]')).toHaveCount(1);
  await expect(untagged.locator(`tr[data-digest="${sha256(loose)}"]`)).toContainText(sha256(loose).slice(7, 19));
  await shot(page, 'repository-referrers');
  await untagged.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.locator('#confirm-delete-image').getByRole('button', { name: 'Delete image' }).click();
  await expect(page.getByText('Deleted the image')).toBeVisible();
  await expect(page.getByTestId('untagged-images')).toHaveCount(0);
  expect((await page.request.get(`/v2/shelf/web/manifests/${sha256(loose)}`, { headers: auth })).status()).toBe(404);

  // Clean up: keep the newest v* tag per repository.
  await page.goto('/r/shelf');
  await hydrated(page);
  await page.getByRole('link', { name: 'Clean up old tags' }).click();
  await expect(page).toHaveURL(/\/r\/shelf\/cleanup$/);
  await hydrated(page);
  await page.getByLabel('Keep the newest (per repository)').first().fill('ten');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByRole('alert')).toContainText('keep_latest');
  await page.getByLabel('Tag pattern').first().fill('v*');
  await page.getByLabel('Keep the newest (per repository)').first().fill('1');
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByTestId('cleanup-preview');
  await expect(preview.locator('tr[data-candidate]')).toHaveCount(3);
  await expect(preview.locator('tr[data-candidate="web:v1"]')).toContainText('not among the 1 newest');
  await expect(preview.locator('tr[data-candidate="locked:v1"]')).toContainText('Protected');
  await expect(preview.locator('tr[data-candidate="locked:v1"] input[type="checkbox"]')).toHaveCount(0);
  await expect(page.getByTestId('preview-summary')).toContainText('2 tags would be deleted');
  await shot(page, 'cleanup-preview');

  // A selection first, then everything that is left.
  await preview.getByLabel('Select web:v2').check();
  await page.getByRole('button', { name: 'Delete selected (1)' }).click();
  await expect(page.locator('#confirm-cleanup')).toContainText('web:v2');
  await page.locator('#confirm-cleanup').getByRole('button', { name: 'Delete 1 tags' }).click();
  await expect(page.getByText(/Deleted 1 tags, freed/)).toBeVisible();
  await expect(preview.locator('tr[data-candidate]')).toHaveCount(2);
  await page.getByRole('button', { name: 'Delete all (1)' }).click();
  await page.locator('#confirm-cleanup').getByRole('button', { name: 'Delete 1 tags' }).click();
  await expect(page.getByText(/Deleted 1 tags, freed/)).toBeVisible();
  await expect(preview.locator('tr[data-candidate]')).toHaveCount(1); // only the protected one is left
  const tags = await (await api('GET', '/registries/shelf/repositories/web/tags')).json();
  expect(tags.map((t: { name: string }) => t.name).sort()).toEqual(['latest', 'v3']);
  expect((await page.request.get(`/v2/shelf/web/manifests/${sha256(v1)}`, { headers: auth })).status()).toBe(404);

  // A retention policy: saved, run by hand as a dry run, logged.
  const retention = page.getByRole('region', { name: 'Retention policy' });
  await retention.getByLabel('Enabled').check();
  await retention.getByLabel('Schedule').selectOption('weekly');
  await retention.getByLabel('Keep the newest (per repository)').fill('0');
  await retention.getByLabel('Dry run (record only)').check();
  await retention.getByRole('button', { name: 'Save policy' }).click();
  await expect(retention.getByText('Retention policy saved: runs weekly.')).toBeVisible();
  await expect(retention.getByTestId('next-run')).toContainText('Next run:');
  await retention.getByRole('button', { name: 'Run now' }).click();
  await expect(retention.getByText(/Run finished: would delete 2 tags/)).toBeVisible();
  await expect(retention.getByTestId('retention-runs')).toContainText('dry run');
  await shot(page, 'cleanup-retention');
  expect((await (await api('GET', '/registries/shelf/repositories/web/tags')).json()).length).toBe(2);

  // Garbage collection from the admin page.
  await page.goto('/admin/gc');
  await hydrated(page);
  await page.getByRole('button', { name: 'Dry run' }).click();
  await expect(page.getByText(/Garbage collection would remove/)).toBeVisible();
  await page.getByRole('button', { name: 'Run now' }).click();
  await expect(page.getByText(/Garbage collection removed/)).toBeVisible();
  await expect(page.getByTestId('gc-runs')).toContainText('manual');
  await shot(page, 'admin-gc');
});

test('the tag table pages and sorts on the server', async ({ page }) => {
  expect((await page.request.post('/api/v1/workspaces', { headers: auth, data: { name: 'tagged-ws' } })).status()).toBe(201);
  const created = await page.request.post('/api/v1/workspaces/tagged-ws/registries', { headers: auth, data: { name: 'tagged', visibility: 'private' } });
  expect(created.status()).toBe(201);
  const manifest = await pushImage(page.request, 'tagged/app', 'first', 'paged');
  for (let i = 0; i < 54; i++) {
    const response = await page.request.put(`/v2/tagged/app/manifests/t${String(i).padStart(2, '0')}`, {
      headers: { ...auth, 'Content-Type': OCI_MANIFEST },
      data: manifest,
    });
    expect(response.status()).toBe(201);
  }
  await signIn(page, 'admin', adminPassword);
  await page.goto('/r/tagged/repo/app');
  await hydrated(page);
  const pager = page.getByRole('navigation', { name: 'Pages' });
  const previous = pager.getByRole('button', { name: '← Previous' });
  const next = pager.getByRole('button', { name: 'Next →' });
  await expect(page.getByRole('heading', { name: 'Tags (55)' })).toBeVisible();
  await expect(pager).toContainText('Page 1 of 2');
  await expect(page.locator('tr[data-tag]')).toHaveCount(50);
  await expect(previous).toBeDisabled();

  await next.click();
  await expect(pager).toContainText('Page 2 of 2');
  await expect(page.locator('tr[data-tag]')).toHaveCount(5);
  await expect(next).toBeDisabled();
  await previous.click();
  await expect(pager).toContainText('Page 1 of 2');
  await expect(page.locator('tr[data-tag]')).toHaveCount(50);

  // By name, the first page starts at "first" and the second ends at "t53".
  await page.getByRole('button', { name: 'Tag', exact: true }).click();
  await expect(page.locator('tr[data-tag]').first()).toHaveAttribute('data-tag', 'first');
  await next.click();
  await expect(page.locator('tr[data-tag]').last()).toHaveAttribute('data-tag', 't53');
  await shot(page, 'repository-tags-page-2');
});
