import { Logger } from '@nestjs/common';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { NestPinoLogger } from './logging.js';

describe(NestPinoLogger.name, () => {
  const lines: Array<Record<string, unknown>> = [];
  beforeAll(() => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    Logger.overrideLogger(new NestPinoLogger(pino({ level: 'info' }, sink)));
  });
  beforeEach(() => lines.splice(0));
  afterAll(() => Logger.overrideLogger(false));

  it('should keep the message and fields of a pino-style call through a Nest Logger', () => {
    new Logger('Problem').warn({ requestId: 'r1' }, 'request refused');
    expect(lines).toEqual([expect.objectContaining({ level: 40, context: 'Problem', requestId: 'r1', msg: 'request refused' })]);
  });

  it('should log an error with its stack as err', () => {
    new Logger('Problem').error({ err: new Error('boom') }, 'request failed');
    expect(lines[0]).toMatchObject({ level: 50, msg: 'request failed', err: { message: 'boom', stack: expect.stringContaining('Error: boom') } });
  });

  it("should read Nest's exception handler form (message, stack, context)", () => {
    new Logger('ExceptionsHandler').error('it broke', 'Error: it broke\n    at somewhere (file.js:1:1)');
    expect(lines[0]).toMatchObject({ level: 50, context: 'ExceptionsHandler', msg: 'it broke', err: { stack: expect.stringContaining('at somewhere') } });
  });

  it("should keep Nest's start-up lines out of info", () => {
    new Logger('RouterExplorer').log('Mapped {/v1/cases, GET} route');
    new Logger('InstanceLoader').log('AppModule dependencies initialized');
    new Logger('Boot').log('listening');
    expect(lines.map((line) => line.msg)).toEqual(['listening']);
  });
});
