import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { OrdersController } from './orders.controller.js';

@Module({ imports: [CasesModule], controllers: [OrdersController] })
export class OrdersModule {}
