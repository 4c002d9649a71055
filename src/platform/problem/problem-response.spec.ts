import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { defineProblems } from './problem.exception.js';
import { toProblem } from './problem-response.js';

const TestException = defineProblems('TestException', {
  THING_MISSING: { status: 404, title: 'Thing not found' },
  THING_LOCKED: { status: 409, title: 'Thing locked' },
});

describe(toProblem.name, () => {
  it('should map a feature exception with its catalogued status and code', () => {
    const problem = toProblem(new TestException('THING_LOCKED', 'Locked by someone else', { currentVersion: 4 }));
    expect(problem).toEqual({
      type: 'urn:problem:aftersales:thing-locked',
      title: 'Thing locked',
      status: 409,
      detail: 'Locked by someone else',
      code: 'THING_LOCKED',
      currentVersion: 4,
    });
  });

  it('should name an unmatched route', () => {
    expect(toProblem(new NotFoundException('Cannot GET /x'))).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
    expect(toProblem(new NotFoundException('gone'))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('should carry the Fastify error code of a wrapped parse error', () => {
    const cause = Object.assign(new Error('Body is not valid JSON'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 });
    expect(toProblem(new HttpException('Body is not valid JSON', 400, { cause }))).toMatchObject({ code: 'MALFORMED_JSON' });
    expect(toProblem(new BadRequestException('nope'))).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('should hide the details of unexpected errors behind a 500', () => {
    const problem = toProblem(new Error('connection string postgres://secret'));
    expect(problem).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(JSON.stringify(problem)).not.toContain('secret');
  });
});
