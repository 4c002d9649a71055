import { Module } from '@nestjs/common';
import { ChangesController } from './changes.controller.js';
import { ChangesRepository } from './changes.repository.js';

@Module({ controllers: [ChangesController], providers: [ChangesRepository], exports: [ChangesRepository] })
export class ChangesModule {}
