import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { claim, expect, getCase, openCase, sendEvent, signIn, test } from './support/fixtures';

/** Picks an option of an antd Select by its label. */
async function choose(page: Page, testId: string, label: string): Promise<void> {
  // Retried: a click that lands while the form re-renders for a new action can miss the option.
  await expect(async () => {
    await page.getByTestId(testId).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: label }).first().click({ timeout: 2000 });
    await expect(page.getByTestId(testId)).toContainText(label, { timeout: 1000 });
  }).toPass({ timeout: 10_000 });
}

/** Types a buyer-facing note into the composer and waits for the guard's verdict. */
async function writeReply(page: Page, text: string): Promise<void> {
  const composer = page.getByTestId('composer');
  await composer.fill(text);
  await expect(page.getByTestId('guard-findings')).toContainText('未发现违规内容');
  await expect(composer).toHaveValue(text);
}

/** Sends the chosen action and waits until the console has taken the answer in (its toast names the event) and the case moved. */
async function sendAndWait(page: Page, token: string, caseId: string, event: string, toState: string | RegExp): Promise<void> {
  await page.getByTestId('send').click();
  await expect(page.getByText(`已提交：${event}`)).toBeVisible();
  await expect.poll(async () => (await getCase(token, caseId)).state).toMatch(toState);
}

test('work a refund through all six steps to the archive', async ({ page, context, team }) => {
  const opened = await openCase(team, { platformCaseId: 'TB-RF-SIX-STEPS' });
  await claim(team.agent);
  await signIn(context, team);
  await page.goto(`/cases/${opened.id}`);
  await expect(page.getByTestId('case-title')).toHaveText('TB-RF-SIX-STEPS');
  await expect(page.getByTestId('case-assignee')).toHaveText('王小丽');

  // 1 联系买家
  await page.getByTestId('action-CONTACT_BUYER').click();
  await writeReply(page, '您好，我是客服小丽，已收到您的退款申请，马上为您核实。');
  await sendAndWait(page, team.agent.token, opened.id, '联系买家', 'open.verify');

  // 2 核实情况: the verified reason (quality) and the findings
  await page.getByTestId('action-VERIFY').click();
  await choose(page, 'field-verifiedReasonCode', '质量问题');
  await expect(page.getByTestId('verify-effect')).toBeVisible();
  await page.getByTestId('field-findings').fill('买家照片显示鞋底开胶，属于质量问题');
  await sendAndWait(page, team.agent.token, opened.id, '核实情况', 'open.apologise');

  // 3 安抚致歉
  await page.getByTestId('action-APOLOGISE').click();
  await writeReply(page, '非常抱歉给您带来不便，我们会尽快处理。');
  await sendAndWait(page, team.agent.token, opened.id, '安抚致歉', 'open.propose');

  // 4 协调方案: full refund
  await page.getByTestId('action-PROPOSE').click();
  await choose(page, 'field-resolution', '全额退款');
  await expect(page.getByTestId('refundable-cap')).toContainText('299.00');
  await writeReply(page, '已为您申请全额退款 299 元，请留意退款到账。');
  await sendAndWait(page, team.agent.token, opened.id, '提出方案', 'followUp.refunding');
  await expect(page.getByTestId('amounts')).toContainText('299.00');

  // 5 跟进处理: the order system reports the refund executed (through the API, not the console)…
  await sendEvent(team.key, opened.id, { type: 'REFUND_EXECUTED', amount: 29900, refundId: 'RF-SIX-1' });
  // 6 备案登记: …and the open page shows the archive without a reload.
  await expect(page.getByTestId('case-state')).toContainText('已归档 · 已退款');
  await expect(page.getByTestId('no-actions')).toContainText('案件已归档');
  await expect(page.getByTestId('timeline')).toContainText('退款已打款');

  // The archived case is found in the case search.
  await page.getByTestId('nav-search').click();
  await page.getByTestId('search-platform-case-id').fill('TB-RF-SIX-STEPS');
  await page.getByTestId('search-submit').click();
  const row = page.getByTestId('search-row').filter({ hasText: 'TB-RF-SIX-STEPS' });
  await expect(row).toBeVisible();
  await expect(row).toContainText('已归档');
});

test('a blocked phrase is highlighted while typing and stops sending; a clean reply goes out', async ({ page, context, team }) => {
  const opened = await openCase(team);
  await claim(team.agent);
  await signIn(context, team);
  await page.goto(`/cases/${opened.id}`);
  await page.getByTestId('action-CONTACT_BUYER').click();

  const composer = page.getByTestId('composer');
  await composer.click();
  await page.keyboard.type('亲，方便的话加我微信聊，给您退款');
  const finding = page.getByTestId('guard-finding').filter({ hasText: '加我微信' });
  await expect(finding).toHaveAttribute('data-severity', 'block');
  // Highlighted in the mirror layer behind the textarea, at the phrase itself.
  await expect(page.locator('.composer-mirror mark.finding-block')).toHaveText(/加我微信/);
  await expect(page.getByTestId('send-blocked')).toBeVisible();
  await expect(page.getByTestId('send')).toBeDisabled();
  // Ctrl+Enter does not send a blocked reply either.
  await composer.press('Control+Enter');
  expect((await getCase(team.agent.token, opened.id)).state).toBe('open.contact');

  await composer.fill('');
  await page.keyboard.type('您好，已收到您的申请，我们会在平台内为您处理退款。');
  await expect(page.getByTestId('guard-findings')).toContainText('未发现违规内容');
  await expect(page.locator('.composer-mirror mark')).toHaveCount(0);
  await expect(page.getByTestId('send')).toBeEnabled();
  await sendAndWait(page, team.agent.token, opened.id, '联系买家', 'open.verify');
  await expect(page.getByTestId('timeline')).toContainText('联系买家');
});

test('evidence is uploaded and the checklist is updated', async ({ page, context, team }) => {
  const opened = await openCase(team);
  await claim(team.agent);
  await signIn(context, team);
  await page.goto(`/cases/${opened.id}`);

  await expect(page.getByTestId('checklist-photo')).toHaveAttribute('data-provided', 'false');
  const png = readFileSync(fileURLToPath(new URL('./support/sole.png', import.meta.url)));
  await page.getByTestId('upload-input').setInputFiles({ name: '鞋底开胶.png', mimeType: 'image/png', buffer: png });
  await expect(page.getByText('已上传').last()).toBeVisible();
  await expect(page.getByTestId('evidence-item')).toHaveCount(1);
  await expect(page.getByTestId('evidence-item')).toContainText('鞋底开胶.png');
  await expect(page.getByTestId('checklist-photo')).toHaveAttribute('data-provided', 'true');
  await expect(page.getByTestId('checklist-photo')).toContainText('×1');
  // The thumbnail is served with the session cookie.
  const thumbnail = page.getByTestId('evidence-item').locator('img');
  await expect(thumbnail).toBeVisible();
  expect(await thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
});

test('a stale edit from a second tab is refused (412) and the draft is kept', async ({ page, context, team }) => {
  const opened = await openCase(team);
  await claim(team.agent);
  await signIn(context, team);
  await page.goto(`/cases/${opened.id}`);
  await expect(page.getByTestId('action-PROPOSE')).toBeVisible();
  const second = await context.newPage();
  await second.goto(`/cases/${opened.id}`);
  await expect(second.getByTestId('action-CONTACT_BUYER')).toBeVisible();

  // Tab 1 drafts a proposal…
  await page.getByTestId('action-PROPOSE').click();
  await choose(page, 'field-resolution', '全额退款');
  const draft = '给您全额退款 299 元，请查收。';
  await writeReply(page, draft);

  // …while tab 2 contacts the buyer.
  await second.getByTestId('action-CONTACT_BUYER').click();
  await second.getByTestId('composer').fill('您好，我们正在处理您的申请。');
  await expect(second.getByTestId('guard-findings')).toContainText('未发现违规内容');
  await second.getByTestId('send').click();
  await expect.poll(async () => (await getCase(team.agent.token, opened.id)).version).toBe(opened.version + 2);

  // Tab 1 sends on the version it saw: refused, told what changed, draft still there.
  await page.getByTestId('send').click();
  await expect(page.getByTestId('conflict-banner')).toContainText('你的草稿已保留');
  await expect(page.getByTestId('conflict-banner')).toContainText('联系买家');
  await expect(page.getByTestId('composer')).toHaveValue(draft);
  expect((await getCase(team.agent.token, opened.id)).state).toBe('open.verify');

  // Acknowledged, the same draft goes out on the new version.
  await page.getByTestId('acknowledge-update').click();
  await expect(page.getByTestId('composer')).toHaveValue(draft);
  await page.getByTestId('send').click();
  await expect.poll(async () => (await getCase(team.agent.token, opened.id)).state).toBe('followUp.refunding');
  await second.close();
});
