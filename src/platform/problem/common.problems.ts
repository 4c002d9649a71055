import { defineProblems } from './problem.exception.js';

/** Problems that belong to no single feature: authentication, access, generic input errors. */
export const CommonException = defineProblems('CommonException', {
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  INVALID_CREDENTIALS: { status: 401, title: 'Invalid credentials' },
  FORBIDDEN: { status: 403, title: 'Not allowed for this caller' },
  CROSS_SITE_REQUEST: { status: 403, title: 'A browser request from another site may not change anything here' },
  NOT_FOUND: { status: 404, title: 'Resource not found' },
  CONFLICT: { status: 409, title: 'Conflict' },
});
