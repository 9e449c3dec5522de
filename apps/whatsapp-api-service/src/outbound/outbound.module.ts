import { Module } from '@nestjs/common';
import { MetaModule } from '../meta/meta.module';
import { AccountHoldGate } from './account-hold-gate.service';
import { EnvelopeParser } from './envelope-parser';
import { MetaSender } from './meta-sender.service';
import { OutboundConsumer } from './outbound.consumer';
import { WhatsappDeliveryHooks } from './whatsapp-delivery.hooks';

/** consume → (delivery pipeline: validate → conversation order → de-duplication) → credentials → account hold → rate limit → Meta → outcome. */
@Module({
  imports: [MetaModule],
  providers: [EnvelopeParser, AccountHoldGate, MetaSender, WhatsappDeliveryHooks, OutboundConsumer],
})
export class OutboundModule {}
