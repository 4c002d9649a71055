import { Module } from '@nestjs/common';
import { CaseEngineModule } from '../cases/case-engine.module.js';
import { ShopsModule } from '../shops/shops.module.js';
import { CannedRepliesController } from './canned-replies.controller.js';
import { CannedRepliesRepository } from './canned-replies.repository.js';
import { CannedRepliesService } from './canned-replies.service.js';
import { DefaultCannedRepliesSetup } from './canned-replies.setup.js';
import { RepliesController } from './replies.controller.js';
import { ReplyGuardService } from './reply-guard.service.js';
import { ReplyRenderService } from './reply-render.service.js';

/** Buyer-facing replies: the compliance guard, canned replies and rendering them for a case. */
@Module({
  imports: [ShopsModule, CaseEngineModule],
  controllers: [RepliesController, CannedRepliesController],
  providers: [ReplyGuardService, CannedRepliesService, CannedRepliesRepository, ReplyRenderService, DefaultCannedRepliesSetup],
  exports: [ReplyGuardService],
})
export class RepliesModule {}
