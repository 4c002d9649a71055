import { claim, expect, getCase, HOUR, openCase, seedTeam, serverNow, signIn, test } from './support/fixtures';

test('claim next takes the most urgent unassigned case', async ({ page, context, team }) => {
  const now = await serverNow();
  await openCase(team, { platformCaseId: 'TB-RF-LATER', requestedAt: new Date(now.getTime() - 1 * HOUR) });
  const urgent = await openCase(team, { platformCaseId: 'TB-RF-URGENT', requestedAt: new Date(now.getTime() - 40 * HOUR) });
  await signIn(context, team);
  await page.goto('/queue');
  // Most urgent merchant deadline first.
  await expect(page.getByTestId('queue-row').first()).toContainText('TB-RF-URGENT');
  await expect(page.getByTestId('queue-row')).toHaveCount(2);

  await page.getByTestId('claim-next').click();
  await expect(page).toHaveURL(new RegExp(`/cases/${urgent.id}$`));
  await expect(page.getByText('已领取 TB-RF-URGENT')).toBeVisible();
  await expect(page.getByTestId('case-assignee')).toHaveText('王小丽');
  expect((await getCase(team.agent.token, urgent.id)).assigneeId).toBe(team.agent.id);
});

test('the whole queue worked by keyboard alone, and an IME Enter does not send', async ({ page, context, team }) => {
  const now = await serverNow();
  const first = await openCase(team, { platformCaseId: 'TB-RF-KEY-1', requestedAt: new Date(now.getTime() - 30 * HOUR) });
  const second = await openCase(team, { platformCaseId: 'TB-RF-KEY-2', requestedAt: new Date(now.getTime() - 20 * HOUR) });
  const third = await openCase(team, { platformCaseId: 'TB-RF-KEY-3', requestedAt: new Date(now.getTime() - 10 * HOUR) });
  await claim(team.agent);
  await claim(team.agent);
  await signIn(context, team);
  await page.goto('/queue');
  const rows = page.getByTestId('queue-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toHaveAttribute('aria-selected', 'true');

  // j / k move the selection.
  await page.keyboard.press('j');
  await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('j');
  await expect(rows.nth(2)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('k');
  await page.keyboard.press('k');
  await expect(rows.nth(0)).toHaveAttribute('aria-selected', 'true');
  await expect(rows.nth(0)).toContainText('TB-RF-KEY-1');

  // Enter opens the selected case.
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/cases/${first.id}$`));
  await expect(page.getByTestId('case-title')).toHaveText('TB-RF-KEY-1');

  // r focuses the composer (contact the buyer is the first action).
  await page.keyboard.press('r');
  const composer = page.getByTestId('composer');
  await expect(composer).toBeFocused();
  await page.keyboard.type('您好，');

  // A Pinyin composition: Enter (and Ctrl+Enter) while composing must not send.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Input.imeSetComposition', { text: 'tuikuan', selectionStart: 7, selectionEnd: 7 });
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+Enter');
  await cdp.send('Input.insertText', { text: '退款' });
  // What Chromium and Safari send for the key that confirms a candidate: keyCode 229 / isComposing.
  await composer.evaluate((el) => {
    for (const init of [{ isComposing: true }, { keyCode: 229 }])
      el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, cancelable: true, ...init }));
  });
  await page.keyboard.type('马上为您处理。');
  // (CDP's Enter during the composition lands as a newline: a real IME swallows it. Either way, nothing was sent.)
  await expect(composer).toHaveValue(/^您好，退款马上为您处理。\s*$|^您好，\s*退款马上为您处理。$/);
  await expect(page.getByTestId('guard-findings')).toContainText('未发现违规内容');
  expect((await getCase(team.agent.token, first.id)).version).toBe(first.version + 1);

  // Ctrl+Enter sends.
  await page.keyboard.press('Control+Enter');
  await expect(page.getByText('已提交：联系买家')).toBeVisible();
  await expect.poll(async () => (await getCase(team.agent.token, first.id)).state).toBe('open.verify');
  // Only the composed text went out: the IME Enter left no blank send behind.
  const timeline = await fetch(`${process.env.E2E_BASE_URL}/v1/cases/${first.id}/events`, { headers: { authorization: `Bearer ${team.agent.token}` } }).then(
    (r) => r.json(),
  );
  expect(timeline.filter((e: { type: string }) => e.type === 'CONTACT_BUYER')).toHaveLength(1);

  // Alt+J goes to the next case of the queue, Esc back to the queue.
  await page.keyboard.press('Alt+j');
  await expect(page).toHaveURL(new RegExp(`/cases/${second.id}$`));
  await page.keyboard.press('Escape');
  await expect(page).toHaveURL(/\/queue$/);
  await expect(rows).toHaveCount(3);

  // n claims the next unassigned case and opens it.
  await page.keyboard.press('n');
  await expect(page).toHaveURL(new RegExp(`/cases/${third.id}$`));
  await expect(page.getByTestId('case-assignee')).toHaveText('王小丽');
});

test("another shop's case id shows “not found”", async ({ page, context, team }) => {
  const other = await seedTeam();
  const foreign = await openCase(other, { platformCaseId: 'TB-RF-FOREIGN' });
  await signIn(context, team);
  await page.goto(`/cases/${foreign.id}`);
  await expect(page.getByText('找不到这个案件')).toBeVisible();
  await expect(page.getByText('TB-RF-FOREIGN')).toHaveCount(0);
  await page.getByRole('button', { name: '返回队列' }).click();
  await expect(page).toHaveURL(/\/queue$/);
});

test('language and theme switch, and both are remembered', async ({ page, context, team }) => {
  await openCase(team, { platformCaseId: 'TB-RF-LANG' });
  await signIn(context, team);
  await page.goto('/queue');
  await expect(page.getByRole('heading', { name: '我的队列' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

  await page.getByTestId('language-switch').click();
  await expect(page.getByRole('heading', { name: 'My queue' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en-US');
  await expect(page.getByTestId('claim-next')).toContainText(/claim/i);

  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.getByTestId('theme-switch').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const background = await page.locator('.shell').evaluate((el) => getComputedStyle(el).backgroundColor);
  const [r, g, b] = background.match(/\d+/g)!.map(Number);
  expect(r + g + b, `dark background, got ${background}`).toBeLessThan(150);

  await page.reload();
  await expect(page.getByRole('heading', { name: 'My queue' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

  await page.getByTestId('language-switch').click();
  await expect(page.getByRole('heading', { name: '我的队列' })).toBeVisible();
});
