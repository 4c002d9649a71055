import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Shop } from '../shops/shop.entity.js';
import { ShopsModule } from '../shops/shops.module.js';
import { AgentSession } from './agent-session.entity.js';
import { Agent } from './agent.entity.js';
import { AgentsController } from './agents.controller.js';
import { AgentsService } from './agents.service.js';
import { AuthController } from './auth.controller.js';
import { PresenceController } from './presence.controller.js';
import { SessionCookies } from './session-cookies.js';
import { SessionsService } from './sessions.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Agent, AgentSession, Shop]), ShopsModule],
  controllers: [AgentsController, AuthController, PresenceController],
  providers: [AgentsService, SessionsService, SessionCookies],
  exports: [AgentsService, SessionsService],
})
export class AgentsModule {}
