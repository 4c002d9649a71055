import { Module } from '@nestjs/common';
import { ShopsModule } from '../shops/shops.module.js';
import { AgentsController } from './agents.controller.js';
import { AgentsRepository } from './agents.repository.js';
import { AgentsService } from './agents.service.js';
import { AuthController } from './auth.controller.js';
import { PresenceController } from './presence.controller.js';
import { SessionCookies } from './session-cookies.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

@Module({
  imports: [ShopsModule],
  controllers: [AgentsController, AuthController, PresenceController],
  providers: [AgentsService, AgentsRepository, SessionsService, SessionsRepository, SessionCookies],
  exports: [AgentsService, SessionsService],
})
export class AgentsModule {}
