import { Module } from '@nestjs/common';
import { MetaModule } from '../meta/meta.module';
import { ConversationGate } from './conversation-gate.service';
import { EnvelopeParser } from './envelope-parser';
import { MessageDeliveryService } from './message-delivery.service';
import { MetaSender } from './meta-sender.service';
import { OutboundConsumer } from './outbound.consumer';

/** consume → validate → conversation order → de-duplication → credentials → rate limit → Meta → outcome. */
@Module({
  imports: [MetaModule],
  providers: [EnvelopeParser, ConversationGate, MetaSender, MessageDeliveryService, OutboundConsumer],
})
export class OutboundModule {}
