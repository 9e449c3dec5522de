import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Injectable } from '@nestjs/common';
import { ConnectionChannel } from './connection-channel';

/**
 * The channel for broker objects declared while consuming (tenant delay queues). The broker closes the
 * channel of a refused declaration; on this one that costs nothing but a reopen, where on the consumer's
 * channel it would hand back the whole prefetch window.
 */
@Injectable()
export class DeclareChannel extends ConnectionChannel {
  constructor(amqp: AmqpConnection) {
    super(amqp, 'declare');
  }
}
