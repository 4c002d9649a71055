import { defineProblems } from '../platform/problem/problem.exception.js';

export const AgentException = defineProblems('AgentException', {
  AGENT_NOT_FOUND: { status: 404, title: 'Agent not found' },
  AGENT_EMAIL_TAKEN: { status: 409, title: 'An agent with this email already exists in the shop' },
  INVALID_LOGIN: { status: 401, title: 'Shop, email or password is wrong' },
});
