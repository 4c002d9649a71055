import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from './api-key.entity.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { Shop } from './shop.entity.js';
import { ShopsController } from './shops.controller.js';
import { ShopsService } from './shops.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Shop, ApiKey])],
  controllers: [ShopsController, ApiKeysController],
  providers: [ShopsService, ApiKeysService],
  exports: [ShopsService, ApiKeysService],
})
export class ShopsModule {}
