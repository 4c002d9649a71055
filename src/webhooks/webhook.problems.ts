import { defineProblems, ProblemException } from '../platform/problem/problem.exception.js';

export const WebhookException = defineProblems('WebhookException', {
  WEBHOOK_ENDPOINT_NOT_FOUND: { status: 404, title: 'Webhook endpoint not found' },
  WEBHOOK_MESSAGE_NOT_FOUND: { status: 404, title: 'Webhook message not found' },
  WEBHOOK_ID_AMBIGUOUS: { status: 409, title: 'The webhook-id was sent to several endpoints' },
});

/** A webhook URL that can never be delivered to (see WebhookTargetPolicy); names the `url` field like a validation error. */
export class WebhookTargetProblem extends ProblemException {
  static readonly problems = { WEBHOOK_TARGET_NOT_ALLOWED: { status: 422, title: 'Webhook target not allowed' } };

  constructor(detail: string) {
    super({
      ...WebhookTargetProblem.problems.WEBHOOK_TARGET_NOT_ALLOWED,
      code: 'WEBHOOK_TARGET_NOT_ALLOWED',
      detail,
      errors: [{ field: 'url', message: detail }],
    });
  }
}
