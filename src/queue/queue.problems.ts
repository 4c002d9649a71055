import { defineProblems } from '../platform/problem/problem.exception.js';

export const QueueException = defineProblems('QueueException', {
  AGENT_AT_CAPACITY: { status: 409, title: 'The agent already has as many open cases as their maximum allows' },
  ASSIGNEE_NOT_FOUND: { status: 422, title: 'No such agent in this shop' },
  ASSIGNEE_CANNOT_WORK_CASES: { status: 422, title: 'Cases go to active agents and supervisors, not auditors or deactivated accounts' },
  ASSIGNEE_UNAVAILABLE: { status: 409, title: 'The teammate is away or suspended and takes no new cases' },
  CASE_NOT_YOURS: { status: 403, title: 'Agents transfer only their own cases; a supervisor assigns any case' },
  CASE_ARCHIVED: { status: 409, title: 'An archived case is not worked any more' },
});
