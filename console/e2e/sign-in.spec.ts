import { expect, openCase, test } from './support/fixtures';

test('sign in: a wrong password shows the problem in Chinese, the right one opens the queue; sign out returns to login', async ({ page, team }) => {
  await openCase(team, { platformCaseId: 'TB-RF-SIGNIN-1' });

  await page.goto('/queue');
  // No session: the console sends the agent to the login screen, remembering where they were going.
  await expect(page).toHaveURL(/\/login\?next=%2Fqueue/);
  await expect(page.getByRole('heading', { name: '登录售后工作台' })).toBeVisible();

  await page.getByTestId('login-shop').fill(team.shop.slug);
  await page.getByTestId('login-email').fill(team.agent.email);
  await page.getByTestId('login-password').fill('not-the-password');
  await page.getByTestId('login-password').press('Enter');
  await expect(page.getByTestId('login-error')).toContainText('店铺、邮箱或密码不正确');
  await expect(page).toHaveURL(/\/login/);

  await page.getByTestId('login-password').fill(team.agent.password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/queue$/);
  await expect(page.getByRole('heading', { name: '我的队列' })).toBeVisible();
  await expect(page.getByTestId('queue-row').filter({ hasText: 'TB-RF-SIGNIN-1' })).toBeVisible();
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-status', 'open');

  // The session is an HttpOnly cookie: page scripts never see the token.
  expect(await page.evaluate(() => document.cookie)).not.toContain('st_');

  await page.getByTestId('logout').click();
  await expect(page).toHaveURL(/\/login/);
  // The shop slug is remembered for the next sign-in.
  await expect(page.getByTestId('login-shop')).toHaveValue(team.shop.slug);
  await page.goto('/queue');
  await expect(page).toHaveURL(/\/login/);
});
