import { Injectable, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { flattenValidationErrors, ValidationProblem } from '../platform/problem/validation.js';
import { CASE_EVENT_PAYLOADS, CLIENT_EVENT_TYPES, type ClientEventType } from './dto/case-event.dto.js';
import type { CaseEvent } from './machine/case.types.js';

/** Validates `{ type, ...payload }` against the payload schema of that event type. */
@Injectable()
export class CaseEventPipe implements PipeTransform<unknown, Promise<CaseEvent>> {
  async transform(body: unknown): Promise<CaseEvent> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ValidationProblem([{ field: 'type', message: 'the body must be an object with a type' }]);
    }
    const { type, ...payload } = body as Record<string, unknown>;
    if (typeof type !== 'string' || !(CLIENT_EVENT_TYPES as string[]).includes(type)) {
      throw new ValidationProblem([{ field: 'type', message: `type must be one of ${CLIENT_EVENT_TYPES.join(', ')}` }]);
    }
    const dto = plainToInstance(CASE_EVENT_PAYLOADS[type as ClientEventType], payload);
    // forbidUnknownValues off: payload-less events have a class without rules, whose extra fields whitelisting still refuses.
    const errors = await validate(dto, {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: false,
      validationError: { target: false, value: false },
    });
    if (errors.length > 0) throw new ValidationProblem(flattenValidationErrors(errors));
    return { type, ...dto } as CaseEvent;
  }
}
