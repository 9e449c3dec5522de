import { Module } from '@nestjs/common';
import { MetaModule } from '../meta/meta.module';
import { EnvelopeParser } from './envelope-parser';
import { MessageDeliveryService } from './message-delivery.service';
import { OutboundConsumer } from './outbound.consumer';

/** consume → validate → credentials → Meta → outcome. */
@Module({
  imports: [MetaModule],
  providers: [EnvelopeParser, MessageDeliveryService, OutboundConsumer],
})
export class OutboundModule {}
