import { defineProblems } from '../common/problem/problem.exception.js';

export const WebhookException = defineProblems('WebhookException', {
  WEBHOOK_ENDPOINT_NOT_FOUND: { status: 404, title: 'Webhook endpoint not found' },
  WEBHOOK_MESSAGE_NOT_FOUND: { status: 404, title: 'Webhook message not found' },
});
