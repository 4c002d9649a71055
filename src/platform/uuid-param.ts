import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { ValidationProblem } from './problem/validation.js';

/**
 * A path parameter that must be a UUID; anything else is a 400 naming the parameter. The OpenAPI
 * document says so too (`format: uuid`), from this one declaration.
 */
export function UuidParam(name: string): ParameterDecorator {
  const param = Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => new ValidationProblem([{ field: name, message: `${name} must be a UUID` }]),
    }),
  );
  const documented = ApiParam({ name, schema: { type: 'string', format: 'uuid' } });
  return (target, key, index) => {
    param(target, key, index);
    if (key !== undefined) documented(target, key, Object.getOwnPropertyDescriptor(target, key)!);
  };
}
