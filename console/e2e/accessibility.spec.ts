import { claim, expect, expectAccessible, HOUR, openCase, serverNow, signIn, test } from './support/fixtures';

// axe on every screen in both themes: no serious or critical violation. Nothing is excluded.
for (const theme of ['light', 'dark'] as const) {
  test(`axe finds no serious or critical violation on login, queue, case workspace and search (${theme})`, async ({ page, context, team }) => {
    await page.addInitScript((mode) => localStorage.setItem('as.theme', mode), theme);
    const now = await serverNow();
    // A queue with every countdown stage, badges and an unassigned row.
    const mine = await openCase(team, { platformCaseId: 'TB-RF-A11Y-1', requestedAt: new Date(now.getTime() - 44 * HOUR) });
    await claim(team.agent);
    await openCase(team, { platformCaseId: 'TB-RF-A11Y-2', requestedAt: new Date(now.getTime() - 49 * HOUR), type: 'return' });
    await openCase(team, { platformCaseId: 'TB-RF-A11Y-3', requestedAt: new Date(now.getTime() - 2 * HOUR), reasonCode: 'no_reason_7_days' });

    await page.goto('/login');
    await expect(page.getByTestId('login-form')).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    // With the problem shown, as agents see it after a typo.
    await page.getByTestId('login-submit').click();
    await expect(page.locator('.field-error').first()).toBeVisible();
    await expectAccessible(page, `login (${theme})`);

    await signIn(context, team);
    await page.goto('/queue');
    await expect(page.getByTestId('queue-row')).toHaveCount(3);
    await expectAccessible(page, `queue (${theme})`);

    await page.goto(`/cases/${mine.id}`);
    await expect(page.getByTestId('case-title')).toHaveText('TB-RF-A11Y-1');
    await expect(page.getByTestId('timeline-entry').first()).toBeVisible();
    await page.getByTestId('composer').fill('亲，加我微信聊');
    await expect(page.getByTestId('send-blocked')).toBeVisible();
    await expectAccessible(page, `case workspace (${theme})`);

    await page.goto('/cases');
    await page.getByTestId('search-submit').click();
    await expect(page.getByTestId('search-row').first()).toBeVisible();
    await expectAccessible(page, `search (${theme})`);
  });
}
