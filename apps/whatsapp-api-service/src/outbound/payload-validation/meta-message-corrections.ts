import { SchemaNode } from './schema-node';

export interface MetaMessageCorrection {
  id: string;
  /** What the description gets wrong, and who says so. */
  why: string;
  apply(schemas: Record<string, SchemaNode>): void;
}

/**
 * Where Meta's OpenAPI description (v23.0) refuses what Meta accepts: its own request examples, or what
 * Meta's send-message reference documents. Each correction is as narrow as the evidence; everything
 * else is validated exactly as the description says. `docs/asyncapi.yaml` lists them by id.
 */
export const META_MESSAGE_CORRECTIONS: readonly MetaMessageCorrection[] = [
  {
    id: 'closed-objects-see-all-their-parts',
    why:
      'Each XMessage is allOf [BaseMessageProperties, own part] with additionalProperties: false in the own part; in JSON Schema ' +
      'that part cannot see the base properties, so as written every example is refused. unevaluatedProperties: false on ' +
      'the whole says what was meant: nothing beyond the base and the type’s own fields.',
    apply: (schemas) => {
      for (const schema of Object.values(schemas)) {
        const closedParts = (schema.allOf ?? []).filter((part) => part.additionalProperties === false);
        if (closedParts.length === 0) continue;
        for (const part of closedParts) delete part.additionalProperties;
        schema.unevaluatedProperties = false;
      }
    },
  },
  {
    id: 'recipient-type-optional',
    why: 'Required by BaseMessageProperties, yet absent from the examples "Send Contact Message", "Send Test Message" and others; Meta defaults it to individual.',
    apply: (schemas) => dropRequired(schemas.BaseMessageProperties, 'recipient_type'),
  },
  {
    id: 'type-optional',
    why: 'Required by BaseMessageProperties, yet absent from "Send Text Message with Preview URL" and "Send Reply to List Message"; Meta defaults it to text.',
    apply: (schemas) => dropRequired(schemas.BaseMessageProperties, 'type'),
  },
  {
    id: 'biz-opaque-callback-data',
    why: 'Meta’s send-message reference documents an optional biz_opaque_callback_data (at most 512 characters, echoed in status webhooks); the description leaves it out.',
    apply: (schemas) => {
      properties(schemas.BaseMessageProperties).biz_opaque_callback_data = { type: 'string', maxLength: 512 };
    },
  },
  {
    id: 'interactive-types',
    why:
      'InteractiveObject.type lacks order_details and order_status, which the examples "Send Order Details Message" and "Send Order ' +
      'Status Message" use, and cta_url, location_request_message and address_message, which Meta’s interactive-message guides document.',
    apply: (schemas) => {
      (properties(schemas.InteractiveObject).type.enum ?? []).push(
        'cta_url',
        'location_request_message',
        'address_message',
        'order_details',
        'order_status',
      );
    },
  },
  {
    id: 'interactive-actions',
    why:
      'ActionObject has no form for the actions of those types: review_and_pay and review_order (the order examples), cta_url ' +
      '(display_text and url), send_location and address_message (Meta’s guides). Their parameters are left to Meta.',
    apply: (schemas) => {
      const named = (name: string, parameters?: SchemaNode): SchemaNode => ({
        required: parameters ? ['name', 'parameters'] : ['name'],
        properties: { name: { type: 'string', enum: [name] }, ...(parameters ? { parameters } : {}) },
      });
      (schemas.ActionObject.oneOf ?? []).push(
        named('cta_url', {
          type: 'object',
          required: ['display_text', 'url'],
          properties: { display_text: { type: 'string' }, url: { type: 'string' } },
        }),
        named('send_location'),
        named('address_message', { type: 'object' }),
        named('review_and_pay', { type: 'object' }),
        named('review_order', { type: 'object' }),
      );
    },
  },
  {
    id: 'location-coordinates-are-numbers',
    why: 'LocationMessage types latitude and longitude as strings, yet "Send Location Message" sends numbers (as Meta’s reference does); both are accepted.',
    apply: (schemas) => {
      const [, own] = schemas.LocationMessage.allOf ?? [];
      const location = properties(properties(own).location);
      for (const coordinate of ['latitude', 'longitude']) location[coordinate].type = ['number', 'string'];
    },
  },
  {
    id: 'language-policy-optional',
    why: 'LanguageObject requires policy, yet most template examples send only code; deterministic is the only policy and Meta’s default.',
    apply: (schemas) => dropRequired(schemas.LanguageObject, 'policy'),
  },
  {
    id: 'template-button-index',
    why:
      'TemplateComponent.index has the pattern "^[2-6, 11-14]$" (a malformed character class) that refuses the examples’ "0" and ' +
      '"1"; two examples send it as a number. Meta documents index 0-9, as a string; a digit string or an integer 0-9 is accepted.',
    apply: (schemas) => {
      const component = properties(schemas.TemplateComponent);
      component.index = {
        description: component.index.description,
        oneOf: [
          { type: 'string', pattern: '^[0-9]$' },
          { type: 'integer', minimum: 0, maximum: 9 },
        ],
      };
    },
  },
  {
    id: 'template-button-sub-type',
    why:
      'TemplateComponent.sub_type allows quick_reply, url and catalog, yet examples send "CATALOG" and "flow"; Meta checks the ' +
      'sub_type against the approved template itself (132xxx errors), so any string is accepted.',
    apply: (schemas) => {
      delete properties(schemas.TemplateComponent).sub_type.enum;
    },
  },
];

function dropRequired(schema: SchemaNode, property: string): void {
  schema.required = (schema.required ?? []).filter((name) => name !== property);
}

/** A node's properties; a correction that finds none is out of date, and start-up fails. */
function properties(schema: SchemaNode | undefined): Record<string, SchemaNode> {
  if (!schema?.properties) throw new Error('Meta message schema correction: expected properties the description no longer has');
  return schema.properties;
}

/** A corrected copy of the vendored schemas; the vendored ones are left as Meta wrote them. */
export function correctedMetaSchemas(
  vendored: Readonly<Record<string, SchemaNode>>,
  corrections: readonly MetaMessageCorrection[] = META_MESSAGE_CORRECTIONS,
): Record<string, SchemaNode> {
  const schemas = structuredClone(vendored);
  for (const correction of corrections) correction.apply(schemas);
  return schemas;
}
