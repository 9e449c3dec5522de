import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Injectable } from '@nestjs/common';
import { ConnectionChannel } from './connection-channel';

/**
 * The confirm channel our publishes go on. Not amqp-connection-manager's channel: that one keeps an
 * unsent or unconfirmed message queued and re-sends it after a reconnect, so a publish we gave up on
 * (and handed its message back for) could still arrive later, and the timeout it offers runs on while
 * the broker blocks us. On a plain amqplib channel a publish is written at once or refused, and
 * amqplib settles every unconfirmed publish with an error when the channel closes.
 */
@Injectable()
export class PublishChannel extends ConnectionChannel {
  constructor(amqp: AmqpConnection) {
    super(amqp, 'publish');
  }
}
