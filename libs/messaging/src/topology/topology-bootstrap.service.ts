import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { MESSAGING_OPTIONS } from '../messaging.constants';
import { MessagingOptions } from '../messaging.options';
import { TopologyDeclarer } from './topology-declarer';

const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/** Declares the topology before golevelup starts its consumers (they start at application bootstrap). */
@Injectable()
export class TopologyBootstrap implements OnModuleInit {
  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions) {}

  async onModuleInit(): Promise<void> {
    const declarer = new TopologyDeclarer(this.options.uri, this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    await declarer.declare(this.options.topology);
  }
}
