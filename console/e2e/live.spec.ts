import {
  advanceClocks,
  dropStreams,
  api,
  claim,
  expect,
  getCase,
  HOUR,
  installClock,
  MINUTE,
  openCase,
  sendEvent,
  serverNow,
  signIn,
  sweep,
  test,
} from './support/fixtures';

test('a countdown crosses into due-soon and overdue as both clocks move', async ({ page, context, team }) => {
  const now = await serverNow();
  // Due in 6 h 2 min: just outside the 6 h warning lead.
  const opened = await openCase(team, { platformCaseId: 'TB-RF-COUNTDOWN', requestedAt: new Date(now.getTime() - 48 * HOUR + 6 * HOUR + 2 * MINUTE) });
  await signIn(context, team);
  await installClock(page);
  await page.goto('/queue');
  const countdown = page.getByTestId('queue-row').filter({ hasText: 'TB-RF-COUNTDOWN' }).getByTestId('countdown');
  await expect(countdown).toHaveAttribute('data-sla', 'ok');
  await expect(countdown.locator('.countdown-time')).toHaveText(/^6:0[01]:\d\d$/);
  await expect(countdown).toContainText('48小时响应');
  await expect(countdown).toContainText('到期自动同意退款 ¥299.00');

  await advanceClocks(page, 3 * MINUTE);
  await expect(countdown).toHaveAttribute('data-sla', 'due_soon');
  await expect(countdown.locator('.countdown-time')).toHaveText(/^5:5[89]:\d\d$/);
  // The service agrees.
  const queue = await api(`/v1/queue`, { token: team.agent.token });
  expect(queue.body.items.find((i: { caseId: string }) => i.caseId === opened.id).sla).toBe('due_soon');

  await advanceClocks(page, 6 * HOUR);
  await expect(countdown).toHaveAttribute('data-sla', 'overdue');
  await expect(countdown.locator('.countdown-time')).toHaveText(/^-0[01]:\d\d$/);
  await page.reload();
  await expect(page.getByTestId('count-overdue')).toContainText('1');
});

test('an auto-approval arrives live on the open case page', async ({ page, context, team }) => {
  const now = await serverNow();
  const opened = await openCase(team, { platformCaseId: 'TB-RF-AUTO', requestedAt: new Date(now.getTime() - 47 * HOUR) });
  await claim(team.agent);
  await signIn(context, team);
  await installClock(page);
  await page.goto(`/cases/${opened.id}`);
  await expect(page.getByTestId('case-state')).toContainText('处理中 · 联系买家');
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-status', 'open');

  // Past the 48 h merchant response: the sweeper fires the deadline and the platform auto-approves.
  await advanceClocks(page, HOUR + MINUTE);
  const swept = await sweep();
  expect(swept.fired).toBeGreaterThanOrEqual(1);
  const after = await getCase(team.agent.token, opened.id);
  expect(after.state).not.toBe('open.contact');

  // No reload: the stream brings it.
  await expect(page.getByTestId('timeline')).toContainText('响应超时');
  await expect(page.getByTestId('case-state')).not.toContainText('联系买家');
  await expect(page.getByTestId('action-CONTACT_BUYER')).toHaveCount(0);
});

test('the stream resumes after a dropped connection without missing a change', async ({ page, context, team }) => {
  const opened = await openCase(team, { platformCaseId: 'TB-RF-OFFLINE' });
  await claim(team.agent);
  await signIn(context, team);
  // Record what arrives over the stream itself (a refetch on reconnect would also refresh the page).
  await page.addInitScript(() => {
    const w = window as unknown as { EventSource: typeof EventSource; __changes: Array<{ caseId: string; version: number }> };
    w.__changes = [];
    const Native = w.EventSource;
    w.EventSource = class extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        this.addEventListener('case.changed', (event) => w.__changes.push(JSON.parse((event as MessageEvent<string>).data)));
      }
    };
  });
  await page.goto(`/cases/${opened.id}`);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-status', 'open');
  await expect(page.getByTestId('case-state')).toContainText('联系买家');
  const versionsOf = () =>
    page.evaluate(
      (id) => (window as unknown as { __changes: Array<{ caseId: string; version: number }> }).__changes.filter((c) => c.caseId === id).map((c) => c.version),
      opened.id as string,
    );

  // The network goes: offline, and the open stream cut (Chromium's offline emulation leaves an open one alone).
  await context.setOffline(true);
  expect(await dropStreams()).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId('live-status')).not.toHaveAttribute('data-status', 'open', { timeout: 15_000 });
  // While the agent is offline, a teammate's change lands.
  await sendEvent(team.agent.token, opened.id, { type: 'CONTACT_BUYER', note: '您好，已收到您的申请。' });
  await context.setOffline(false);

  await expect(page.getByTestId('live-status')).toHaveAttribute('data-status', 'open', { timeout: 20_000 });
  await expect(page.getByTestId('updated-banner')).toBeVisible();
  await expect(page.getByTestId('case-state')).toContainText('核实情况');
  await expect(page.getByTestId('timeline')).toContainText('联系买家');
  // The stream resumed from Last-Event-ID: the change made while offline came over it, once.
  await expect.poll(versionsOf).toContain(3);
  const versions = await versionsOf();
  expect(versions.filter((v) => v === 3)).toHaveLength(1);
  expect(new Set(versions).size).toBe(versions.length);
});
