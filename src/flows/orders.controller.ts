import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Allow, ANY_AGENT, ShopCaller } from '../platform/auth/access.decorator.js';
import { actorOf, type ShopPrincipal } from '../platform/auth/principal.js';
import { Idempotent } from '../platform/idempotency/idempotent.decorator.js';
import { ApiProblems } from '../platform/openapi/api-problems.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { CaseEngine, type Actor } from '../cases/case-engine.js';
import { CaseException } from '../cases/case.problems.js';
import { CaseRepository } from '../cases/case.repository.js';
import { UpdateOrderDto } from './dto/update-order.dto.js';
import { refundableOf, type OrderRecord } from '../orders/order.types.js';
import { OrdersRepository } from '../orders/orders.repository.js';
import { OrderView } from '../orders/order.view.js';

const ORDER_ID = ApiParam({ name: 'orderId', description: 'The order id as the order system knows it', example: '3921837712345678' });

function toOrderView(order: OrderRecord, cases: Array<{ id: string; state: string; version: number }>): OrderView {
  return {
    orderId: order.externalOrderId,
    status: order.status,
    currency: order.currency,
    paidTotal: order.paidTotal,
    reservedTotal: order.reservedTotal,
    refundedTotal: order.refundedTotal,
    refundable: refundableOf(order),
    shippedAt: order.shippedAt?.toISOString() ?? null,
    items: order.snapshot.items,
    cases,
  };
}

@ApiTag('Orders')
@Controller('v1/orders')
export class OrdersController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: CaseEngine,
    private readonly orders: OrdersRepository,
    private readonly cases: CaseRepository,
  ) {}

  @Get(':orderId')
  @Allow('integration', ...ANY_AGENT)
  @ApiOperation({ operationId: 'getOrder', summary: 'An order as last reported, its money totals and its cases (by the order system’s order id)' })
  @ORDER_ID
  @ApiOkResponse({ type: OrderView })
  @ApiProblems(CaseException, 'ORDER_NOT_FOUND')
  async get(@ShopCaller() caller: ShopPrincipal, @Param('orderId') orderId: string): Promise<OrderView> {
    const order = await this.orders.findByExternalId(this.dataSource.manager, caller.shopId, orderId);
    if (!order) throw new CaseException('ORDER_NOT_FOUND', `No case has been opened for order ${orderId}.`);
    return this.view(caller.shopId, order);
  }

  @Patch(':orderId')
  @Allow('integration')
  @Idempotent()
  @ApiOperation({
    operationId: 'updateOrder',
    summary: 'Report an order’s status, paid total, shipping time or items; its open cases judge later events against it',
    description:
      'Each case of the order that is not archived records an `ORDER_UPDATED` event (a new version, in the change feed). ' +
      'A report that changes nothing writes nothing. Statuses only move forward (409 `ORDER_STATUS_REGRESSION`); a paid total ' +
      'below the refunded and reserved money is refused (409 `ORDER_MONEY_CONFLICT`); an order without any case is 404 `ORDER_NOT_FOUND`.',
  })
  @ApiBody({
    type: UpdateOrderDto,
    examples: {
      delivered: { value: { status: 'delivered' } },
      shipped: { value: { status: 'shipped', shippedAt: '2026-11-20T09:30:00Z' } },
      priceChange: { value: { paidTotal: 25900 } },
    },
  })
  @ORDER_ID
  @ApiOkResponse({ type: OrderView, description: 'The order as it now stands, with its cases' })
  @ApiProblems(CaseException, 'ORDER_NOT_FOUND', 'ORDER_STATUS_REGRESSION', 'ORDER_MONEY_CONFLICT')
  async update(@ShopCaller() caller: ShopPrincipal, @Param('orderId') orderId: string, @Body() body: UpdateOrderDto): Promise<OrderView> {
    const { order } = await this.engine.updateOrder({
      shopId: caller.shopId,
      externalOrderId: orderId,
      patch: { ...body, items: body.items?.map((item) => ({ ...item })) },
      actor: actorOf(caller) as Actor,
    });
    return this.view(caller.shopId, order);
  }

  private async view(shopId: string, order: OrderRecord): Promise<OrderView> {
    return toOrderView(order, await this.cases.listOfOrder(this.dataSource.manager, shopId, order.id));
  }
}
