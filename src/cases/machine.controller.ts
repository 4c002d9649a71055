import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Allow, ANY_AGENT } from '../platform/auth/access.decorator.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { caseMachineMermaid, describeCaseMachine } from './machine/case-machine.describe.js';
import { CaseMachineView } from './machine.view.js';

@ApiTag('Reference')
@Controller('v1/machine')
@Allow('admin', 'integration', ...ANY_AGENT)
export class MachineController {
  @Get()
  @ApiOperation({ operationId: 'describeCaseMachine', summary: 'The case machine: states, events, deadlines and the events each state accepts' })
  @ApiOkResponse({ type: CaseMachineView })
  describe(): CaseMachineView {
    return describeCaseMachine();
  }

  @Get('mermaid')
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ operationId: 'getCaseMachineDiagram', summary: 'The case machine as a Mermaid state diagram, generated from the definition' })
  @ApiOkResponse({
    description: 'A Mermaid `stateDiagram-v2`',
    content: {
      'text/plain': {
        schema: { type: 'string' },
        example: 'stateDiagram-v2\n  [*] --> open\n  state open {\n    open_contact --> open_verify : CONTACT_BUYER\n  }',
      },
    },
  })
  mermaid(): string {
    return caseMachineMermaid();
  }
}
