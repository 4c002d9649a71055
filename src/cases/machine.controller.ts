import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, ANY_AGENT } from '../common/auth/access.decorator.js';
import { caseMachineMermaid, describeCaseMachine } from './machine/case-machine.describe.js';

@ApiTags('cases')
@Controller('v1/machine')
@Allow('admin', 'integration', ...ANY_AGENT)
export class MachineController {
  @Get()
  @ApiOperation({ summary: 'The case machine: states, events, deadlines and the events each state accepts' })
  describe() {
    return describeCaseMachine();
  }

  @Get('mermaid')
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'The case machine as a Mermaid state diagram, generated from the definition' })
  mermaid() {
    return caseMachineMermaid();
  }
}
