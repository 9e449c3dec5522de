import { Module } from '@nestjs/common';
import { MetaModule } from '../meta/meta.module';
import { AccountHoldGate } from './account-hold-gate.service';
import { ConversationGate } from './conversation-gate.service';
import { EnvelopeParser } from './envelope-parser';
import { MessageDeliveryService } from './message-delivery.service';
import { MetaSender } from './meta-sender.service';
import { OutboundConsumer } from './outbound.consumer';

/** consume → validate → conversation order → de-duplication → credentials → account hold → rate limit → Meta → outcome. */
@Module({
  imports: [MetaModule],
  providers: [EnvelopeParser, ConversationGate, AccountHoldGate, MetaSender, MessageDeliveryService, OutboundConsumer],
})
export class OutboundModule {}
