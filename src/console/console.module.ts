import { Module } from '@nestjs/common';
import { ShopsModule } from '../shops/shops.module.js';
import { ConsoleBootstrapController } from './console-bootstrap.controller.js';
import { ConsoleBootstrapRepository } from './console-bootstrap.repository.js';
import { ConsoleBootstrapService } from './console-bootstrap.service.js';

/** What only the agents' web console asks for. Serving the console's files is in console-static.ts. */
@Module({
  imports: [ShopsModule],
  controllers: [ConsoleBootstrapController],
  providers: [ConsoleBootstrapService, ConsoleBootstrapRepository],
})
export class ConsoleModule {}
