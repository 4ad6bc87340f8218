import { expect, test } from '@playwright/test';
import { adminPassword, hydrated, shot, signIn } from './helpers';

test('an anonymous visitor is sent to sign in, signs in, sees the shell and signs out', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login\?next=%2F$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await hydrated(page);
  await shot(page, 'sign-in');

  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Welcome, admin' })).toBeVisible();
  await expect(page.locator('.topbar')).toContainText('Berth');
  await expect(page.locator('.ws-switcher')).toContainText('Workspace');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await hydrated(page);
  await shot(page, 'home');

  // The user menu is interactive only once hydrated: it opens, Escape closes it.
  const menuButton = page.getByRole('button', { name: /admin/ });
  await menuButton.click();
  await expect(page.locator('#user-menu-panel')).toBeVisible();
  await expect(menuButton).toHaveAttribute('aria-expanded', 'true');
  await shot(page, 'user-menu');
  await page.keyboard.press('Escape');
  await expect(page.locator('#user-menu-panel')).toBeHidden();

  await menuButton.click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login\?signed_out=1$/);
  await expect(page.getByText('You have signed out.')).toBeVisible();

  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
});

test('a wrong password shows a readable message', async ({ page }) => {
  await signIn(page, 'admin', 'definitely wrong');
  await expect(page).toHaveURL(/error=invalid/);
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
  await expect(page.getByLabel('Username')).toHaveValue('admin');
  await shot(page, 'sign-in-error');
});

test('the admin creates a user who can then sign in; an unknown page is a 404', async ({ page, browser }) => {
  await signIn(page, 'admin', adminPassword);
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await hydrated(page);
  await expect(page.locator('tr[data-username="admin"]')).toBeVisible();

  await page.getByLabel('Username').fill('carol');
  await page.getByLabel('E-mail (optional)').fill('carol@example.com');
  await page.getByLabel('Password', { exact: true }).fill('carol-password-1');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('status')).toHaveText('User carol created.');
  await expect(page.locator('tr[data-username="carol"]')).toContainText('carol@example.com');

  // A server-side refusal is shown as a sentence, not a crash.
  await page.getByLabel('Username').fill('carol');
  await page.getByLabel('Password', { exact: true }).fill('carol-password-1');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('alert')).toHaveText("The username 'carol' is already taken.");
  await shot(page, 'admin-users');

  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await shot(page, 'not-found');

  const carol = await browser.newPage();
  await signIn(carol, 'carol', 'carol-password-1');
  await expect(carol.getByRole('heading', { name: 'Welcome, carol' })).toBeVisible();
  await expect(carol.getByRole('link', { name: 'Users', exact: true })).toHaveCount(0);
  await carol.close();
});
