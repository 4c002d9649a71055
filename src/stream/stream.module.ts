import { Module } from '@nestjs/common';
import { ChangesModule } from '../changes/changes.module.js';
import { StreamController } from './stream.controller.js';
import { StreamHub } from './stream-hub.js';

@Module({ imports: [ChangesModule], controllers: [StreamController], providers: [StreamHub], exports: [StreamHub] })
export class StreamModule {}
