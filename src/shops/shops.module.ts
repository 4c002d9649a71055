import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { ShopSetup } from './shop-setup.js';
import { ShopsController } from './shops.controller.js';
import { ShopsRepository } from './shops.repository.js';
import { ShopsService } from './shops.service.js';

@Module({
  controllers: [ShopsController, ApiKeysController],
  providers: [ShopsService, ShopsRepository, ApiKeysService, ApiKeysRepository, ShopSetup],
  exports: [ShopsService, ApiKeysService, ShopSetup],
})
export class ShopsModule {}
