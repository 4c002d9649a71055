import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { advanceClocks, claim, expect, HOUR, installClock, MINUTE, openCase, SCREENSHOTS, sendEvent, serverNow, signIn, test } from './support/fixtures';

// The README's two pictures (Chinese, light, 1440×900). Every run saves them under e2e/output/screenshots
// for review; UPDATE_DOCS_SCREENSHOTS=1 also writes docs/images/queue.png and docs/images/case.png.
const DOCS = fileURLToPath(new URL('../../docs/images/', import.meta.url));
const targets = (name: string) => [`${SCREENSHOTS}${name}`, ...(process.env.UPDATE_DOCS_SCREENSHOTS === '1' ? [`${DOCS}${name}`] : [])];

test('screenshots of the queue and a case (zh, light, 1440×900)', async ({ page, context, team }) => {
  if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') mkdirSync(DOCS, { recursive: true });
  const now = await serverNow();
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR);
  const shown = await openCase(team, { platformCaseId: 'TB-RF-20261205-0031', requestedAt: at(45.5), nickname: '橙子味的猫', amount: 29900 });
  await claim(team.agent);
  await sendEvent(team.agent.token, shown.id, { type: 'CONTACT_BUYER', note: '您好，我是客服小丽，已收到您的退款申请，马上为您核实。' });
  await openCase(team, {
    platformCaseId: 'TB-RF-20261204-0107',
    requestedAt: at(47.95),
    nickname: 'momo_2019',
    amount: 12800,
    type: 'return',
    reasonCode: 'ordered_wrong',
  });
  await openCase(team, { platformCaseId: 'TB-RF-20261205-0012', requestedAt: at(41), nickname: '阿杰', amount: 45900 });
  await openCase(team, {
    platformCaseId: 'TB-EX-20261205-0044',
    requestedAt: at(30),
    nickname: '小雨点',
    amount: 0,
    type: 'exchange',
    reasonCode: 'wrong_item',
  });
  await claim(team.agent);
  await openCase(team, { platformCaseId: 'TB-RF-20261205-0058', requestedAt: at(12), nickname: '林小姐', amount: 8990, reasonCode: 'no_reason_7_days' });
  await openCase(team, {
    platformCaseId: 'TB-CP-20261205-0060',
    requestedAt: at(3),
    nickname: 'Kevin',
    amount: 0,
    type: 'complaint',
    reasonCode: 'logistics_delay',
  });
  await openCase(team, { platformCaseId: 'TB-RF-20261205-0071', requestedAt: at(20 / 60), nickname: '大白', amount: 159900 });

  await signIn(context, team);
  await installClock(page);
  // Five minutes on: one case has just gone overdue (red, negative), two are due soon.
  await advanceClocks(page, 5 * MINUTE);
  await page.goto('/queue');
  await expect(page.getByTestId('queue-row')).toHaveCount(7);
  await expect(page.getByTestId('count-overdue')).toContainText('1');
  for (const path of targets('queue.png')) await page.screenshot({ path });

  await page.goto(`/cases/${shown.id}`);
  await expect(page.getByTestId('case-title')).toHaveText('TB-RF-20261205-0031');
  await expect(page.getByTestId('timeline-entry')).toHaveCount(3);
  await page.getByTestId('action-PROPOSE').click();
  await page.getByTestId('composer').fill('非常抱歉给您带来不便！鞋底开胶属于质量问题，我们为您全额退款 299 元，请留意到账。');
  await expect(page.getByTestId('guard-findings')).toContainText('未发现违规内容');
  for (const path of targets('case.png')) await page.screenshot({ path });

  // The same two in dark and English, for review only.
  await page.getByTestId('theme-switch').click();
  await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.screenshot({ path: `${SCREENSHOTS}case-en-dark.png` });
  await page.goto('/queue');
  await expect(page.getByTestId('queue-row')).toHaveCount(7);
  await page.screenshot({ path: `${SCREENSHOTS}queue-en-dark.png` });
});
