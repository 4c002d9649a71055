import { Module } from '@nestjs/common';
import { ReasonsController } from './reasons.controller.js';

@Module({ controllers: [ReasonsController] })
export class ReasonsModule {}
