import { ApiProperty } from '@nestjs/swagger';

export class StreamShopStatsView {
  @ApiProperty({ format: 'uuid', example: '9a0c7e1d-2b3f-4c5d-8e9f-0a1b2c3d4e5f' })
  shopId: string;

  @ApiProperty({ description: 'Open streams of this shop on this instance', example: 2 })
  subscribers: number;

  @ApiProperty({ description: 'Of those, still catching up from their Last-Event-ID before joining the shared reader', example: 0 })
  catchingUp: number;

  @ApiProperty({ description: 'Change-feed reads the shop’s shared reader has made since it started', example: 118 })
  reads: number;
}

export class StreamStatsView {
  @ApiProperty({ description: 'Open `GET /v1/stream` connections on this instance (all shops)', example: 2 })
  openStreams: number;

  @ApiProperty({ description: 'Change-feed readers on this instance: one per shop with open streams, however many streams it has', example: 1 })
  readers: number;

  @ApiProperty({ type: [StreamShopStatsView], description: 'Per shop with open streams (a supervisor sees only their own shop)' })
  shops: StreamShopStatsView[];
}
