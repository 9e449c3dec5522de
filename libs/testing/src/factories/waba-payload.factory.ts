/** One valid Cloud API request body per message kind the egress service forwards. */
export const WABA_PAYLOAD_SAMPLES = {
  text: (to: string) => ({
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'text',
    text: { preview_url: false, body: 'Hello from the agent' },
  }),
  reply: (to: string) => ({
    messaging_product: 'whatsapp',
    to,
    context: { message_id: 'wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdCNTg5RjY1MEMxRjVBQTRCNQA=' },
    type: 'text',
    text: { body: 'Replying to your message' },
  }),
  template: (to: string) => ({
    messaging_product: 'whatsapp',
    to,
    type: 'template',
    template: {
      name: 'order_update',
      language: { code: 'en_US' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'A-1042' }] }],
    },
  }),
  image: (to: string) => ({
    messaging_product: 'whatsapp',
    to,
    type: 'image',
    image: { link: 'https://cdn.example.com/receipt.png', caption: 'Your receipt' },
  }),
  document: (to: string) => ({
    messaging_product: 'whatsapp',
    to,
    type: 'document',
    document: { link: 'https://cdn.example.com/invoice.pdf', filename: 'invoice.pdf' },
  }),
  video: (to: string) => ({ messaging_product: 'whatsapp', to, type: 'video', video: { id: '1037543291543636', caption: 'How to reset' } }),
  audio: (to: string) => ({ messaging_product: 'whatsapp', to, type: 'audio', audio: { link: 'https://cdn.example.com/note.ogg' } }),
  sticker: (to: string) => ({ messaging_product: 'whatsapp', to, type: 'sticker', sticker: { id: '798882015472548' } }),
  location: (to: string) => ({
    messaging_product: 'whatsapp',
    to,
    type: 'location',
    location: { latitude: 52.52, longitude: 13.405, name: 'Store', address: 'Alexanderplatz 1, Berlin' },
  }),
  contacts: (to: string) => ({
    messaging_product: 'whatsapp',
    to,
    type: 'contacts',
    contacts: [{ name: { formatted_name: 'Support Desk', first_name: 'Support' }, phones: [{ phone: '+4930123456', type: 'WORK' }] }],
  }),
  interactiveButton: (to: string) => ({
    messaging_product: 'whatsapp',
    to,
    type: 'interactive',
    interactive: {
      type: 'button',
      body: { text: 'Was this helpful?' },
      action: {
        buttons: [
          { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
          { type: 'reply', reply: { id: 'no', title: 'No' } },
        ],
      },
    },
  }),
  interactiveList: (to: string) => ({
    messaging_product: 'whatsapp',
    to,
    type: 'interactive',
    interactive: {
      type: 'list',
      body: { text: 'Pick a topic' },
      action: {
        button: 'Topics',
        sections: [
          {
            title: 'Help',
            rows: [
              { id: 'billing', title: 'Billing' },
              { id: 'tech', title: 'Technical' },
            ],
          },
        ],
      },
    },
  }),
  interactiveCtaUrl: (to: string) => ({
    messaging_product: 'whatsapp',
    to,
    type: 'interactive',
    interactive: {
      type: 'cta_url',
      body: { text: 'Track your order' },
      action: { name: 'cta_url', parameters: { display_text: 'Track', url: 'https://shop.example.com/track/A-1042' } },
    },
  }),
  interactiveFlow: (to: string) => ({
    messaging_product: 'whatsapp',
    to,
    type: 'interactive',
    interactive: {
      type: 'flow',
      body: { text: 'Book an appointment' },
      action: {
        name: 'flow',
        parameters: {
          flow_message_version: '3',
          flow_token: 'booking-1',
          flow_id: '1234567890',
          flow_cta: 'Book',
          flow_action: 'navigate',
        },
      },
    },
  }),
  reaction: (to: string) => ({
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'reaction',
    reaction: { message_id: 'wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdCNTg5RjY1MEMxRjVBQTRCNQA=', emoji: '\uD83D\uDC4D' },
  }),
  markAsRead: () => ({
    messaging_product: 'whatsapp',
    status: 'read',
    message_id: 'wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdCNTg5RjY1MEMxRjVBQTRCNQA=',
  }),
} as const;

export type WabaPayloadKind = keyof typeof WABA_PAYLOAD_SAMPLES;
