/**
 * Meta Cloud API error answers for `POST /{version}/{phone-number-id}/messages`, as Meta sends them:
 * HTTP status per Meta's error table (throttling is 400, not 429; 190 is 401 on WhatsApp endpoints;
 * 131000 is 500; 132001 is 404), Graph-level codes without `error_data`, WhatsApp-level codes with a
 * `(#code)` message prefix and `error_data.details`. Shared by the Meta simulator and the classifier's
 * table-driven spec so the two cannot drift.
 */
export interface MetaErrorSpec {
  code: number;
  subcode?: number;
  httpStatus: number;
  type: 'OAuthException' | 'GraphMethodException';
  message: string;
  /** `error_data.details`; absent on Graph-level errors (190, 2, 100 without a WhatsApp detail). */
  details?: string;
}

const whatsapp = (code: number, httpStatus: number, title: string, details: string): MetaErrorSpec => ({
  code,
  httpStatus,
  type: 'OAuthException',
  message: `(#${code}) ${title}`,
  details,
});

export const META_ERROR_CATALOG = {
  '0': { code: 0, httpStatus: 401, type: 'OAuthException', message: '(#0) AuthException' },
  '190': {
    code: 190,
    subcode: 463,
    httpStatus: 401,
    type: 'OAuthException',
    message:
      'Error validating access token: Session has expired on Sunday, 22-Nov-26 10:00:00 PST. The current time is Monday, 23-Nov-26 03:12:44 PST.',
  },
  '190/460': {
    code: 190,
    subcode: 460,
    httpStatus: 401,
    type: 'OAuthException',
    message:
      'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
  },
  '1': { code: 1, httpStatus: 400, type: 'OAuthException', message: 'An unknown error occurred' },
  '2': {
    code: 2,
    httpStatus: 503,
    type: 'OAuthException',
    message: 'An unexpected error has occurred. Please retry your request later.',
  },
  '3': {
    code: 3,
    httpStatus: 500,
    type: 'OAuthException',
    message: '(#3) Application does not have the capability to make this API call.',
  },
  '4': { code: 4, httpStatus: 400, type: 'OAuthException', message: '(#4) Application request limit reached' },
  '10': { code: 10, httpStatus: 403, type: 'OAuthException', message: '(#10) Application does not have permission for this action' },
  '100': { code: 100, httpStatus: 400, type: 'OAuthException', message: '(#100) Invalid parameter' },
  '100/33': {
    code: 100,
    subcode: 33,
    httpStatus: 400,
    type: 'GraphMethodException',
    message:
      "Unsupported post request. Object with ID '000000000000000' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
  },
  '200': { code: 200, httpStatus: 403, type: 'OAuthException', message: '(#200) Permissions error' },
  '33': whatsapp(33, 400, 'Parameter value is not valid', 'The business phone number has been deleted.'),
  '368': whatsapp(368, 403, 'Temporarily blocked for policies violations', 'The WhatsApp Business Account is restricted or disabled.'),
  '80007': whatsapp(80007, 400, 'Rate limit issues', 'The WhatsApp Business Account has reached its rate limit.'),
  '130403': whatsapp(130403, 400, 'Business has blocked this user', 'Do not retry. Unblock the WhatsApp user to send messages.'),
  '130429': {
    ...whatsapp(130429, 400, 'Rate limit hit', 'Cloud API message throughput has been reached.'),
    subcode: 2494055,
  },
  '130472': whatsapp(
    130472,
    400,
    "User's number is part of an experiment",
    "Failed to send message because this user's phone number is part of an experiment",
  ),
  '130497': whatsapp(
    130497,
    403,
    'Business account is restricted from messaging users in this country',
    'The business is restricted from messaging users in this country.',
  ),
  '131000': whatsapp(131000, 500, 'Something went wrong', 'Message failed to send due to an unknown error.'),
  '131005': whatsapp(131005, 403, 'Access denied', 'Permission is either not granted or has been removed.'),
  '131008': whatsapp(131008, 400, 'Required parameter is missing', 'The parameter text[body] is required.'),
  '131009': whatsapp(131009, 400, 'Parameter value is not valid', 'Value provided for a parameter is not valid.'),
  '131016': whatsapp(131016, 500, 'Service unavailable', 'A service is temporarily unavailable.'),
  '131021': whatsapp(131021, 400, 'Recipient cannot be sender', 'Sender and recipient phone number is the same.'),
  '131026': whatsapp(
    131026,
    400,
    'Message undeliverable',
    'Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number.',
  ),
  '131030': whatsapp(
    131030,
    400,
    'Recipient phone number not in allowed list',
    'Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.',
  ),
  '131031': whatsapp(131031, 403, 'Account has been locked', 'The WhatsApp Business Account is locked.'),
  '131037': whatsapp(
    131037,
    400,
    'WhatsApp provided number needs display name approval before message can be sent.',
    'The display name is not approved.',
  ),
  '131042': whatsapp(131042, 400, 'Business eligibility payment issue', 'There was an error related to your payment method.'),
  '131045': whatsapp(131045, 500, 'Incorrect certificate', 'Message failed to send due to a phone number registration error.'),
  '131047': whatsapp(
    131047,
    400,
    'Re-engagement message',
    'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  ),
  '131048': whatsapp(
    131048,
    400,
    'Spam rate limit hit',
    'Message failed to send because there are restrictions on how many messages can be sent from this phone number.',
  ),
  '131049': whatsapp(
    131049,
    400,
    'This message was not delivered to maintain healthy ecosystem engagement.',
    'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  ),
  '131050': whatsapp(
    131050,
    400,
    'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
    'The recipient has opted out of marketing messages.',
  ),
  '131051': whatsapp(131051, 400, 'Unsupported message type', 'Message type is not currently supported.'),
  '131053': whatsapp(131053, 400, 'Media upload error', 'Unable to download the media from the provided link.'),
  '131055': whatsapp(131055, 400, 'Method not allowed', 'Only marketing templates can be sent with this method.'),
  '131056': whatsapp(
    131056,
    400,
    '(Business Account, Consumer Account) pair rate limit hit',
    'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.',
  ),
  '131057': whatsapp(131057, 500, 'Account in maintenance mode', 'Business Account is in maintenance mode.'),
  '131063': whatsapp(
    131063,
    400,
    'Marketing messages disabled on Cloud API',
    'Marketing template messages are disabled on Cloud API for this business.',
  ),
  '131064': whatsapp(131064, 400, 'Messaging limit reached', 'Messaging is restricted because of template classification violations.'),
  '132000': whatsapp(
    132000,
    400,
    'Number of parameters does not match the expected number of params',
    'body: number of localizable_params (1) does not match the expected number of params (2)',
  ),
  '132001': whatsapp(
    132001,
    404,
    'Template name does not exist in the translation',
    'template name (order_update) does not exist in en_US',
  ),
  '132005': whatsapp(132005, 400, 'Translated text too long', 'Translated text is too long.'),
  '132007': whatsapp(132007, 400, 'Template Format Character Policy Violated', 'Template content violates a WhatsApp policy.'),
  '132012': whatsapp(132012, 400, 'Template Parameter Format Mismatch', 'Variable parameter values formatted incorrectly.'),
  '132015': whatsapp(132015, 400, 'Template is Paused', 'Template is paused due to low quality.'),
  '132016': whatsapp(
    132016,
    400,
    'Template is Disabled',
    'Template has been paused too many times due to low quality and is now permanently disabled.',
  ),
  '132018': whatsapp(132018, 400, 'Template validation error', 'There was an issue with the parameters in your template.'),
  '132068': whatsapp(132068, 400, 'Flow is in blocked state', 'Flow is in blocked state.'),
  '132069': whatsapp(
    132069,
    400,
    'Flow is in throttled state',
    'Flow is in throttled state and 10 messages using this flow were already sent in the last hour.',
  ),
  '133004': whatsapp(133004, 503, 'Server temporarily unavailable', 'Server is temporarily unavailable.'),
  '133010': whatsapp(133010, 400, 'Phone number not registered', 'The phone number is not registered on the WhatsApp Business Platform.'),
  '134011': whatsapp(
    134011,
    400,
    'WhatsApp Payments terms of service not accepted',
    'The business has not accepted the WhatsApp Payments terms of service.',
  ),
  '135000': whatsapp(135000, 400, 'Generic user error', 'Message failed to send because of an unknown error with your request parameters.'),
  '2494100': whatsapp(2494100, 400, 'Account is in maintenance mode', 'Try again in a few minutes.'),
} satisfies Record<string, MetaErrorSpec>;

export type MetaErrorKey = keyof typeof META_ERROR_CATALOG;

const TRACE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function fakeFbTraceId(): string {
  let id = 'A';
  for (let i = 0; i < 22; i += 1) id += TRACE_ALPHABET[Math.floor(Math.random() * TRACE_ALPHABET.length)];
  return id;
}

/** The JSON body Meta returns for `spec`. */
export function metaErrorBody(spec: MetaErrorSpec, fbtraceId = fakeFbTraceId()): Record<string, unknown> {
  return {
    error: {
      message: spec.message,
      type: spec.type,
      code: spec.code,
      ...(spec.details ? { error_data: { messaging_product: 'whatsapp', details: spec.details } } : {}),
      ...(spec.subcode !== undefined ? { error_subcode: spec.subcode } : {}),
      fbtrace_id: fbtraceId,
    },
  };
}

/**
 * Graph's answer to a path it cannot route, e.g. a version it does not serve (`/v99.0/…`) or a
 * malformed one (`/v3/…`): 400, code 2500, naming the rest of the path (real captures: koala#611 with
 * version "v2.80", fbRads#97 with "v3", the latter with an invalid_request header). The fact sheet
 * documents no version error; `(#2635)` is the Marketing API's deprecated-version error, not seen on
 * WhatsApp endpoints, so 2500 it is. Graph serves an expired version as the oldest live one, but the
 * simulator refuses every version it was not given: a service calling one it did not mean to must
 * fail in tests. Not part of the catalog: the classifier's table mirrors the catalog, and this is a
 * routing error, not a send error.
 */
export function unknownPathComponents(path: string): MetaErrorSpec {
  return { code: 2500, httpStatus: 400, type: 'OAuthException', message: `Unknown path components: ${path}` };
}

/** Headers Meta adds to token, object-access and path errors. */
export function metaErrorHeaders(spec: MetaErrorSpec): Record<string, string> {
  if (spec.code === 190 || spec.code === 0) {
    return { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${spec.message}"` };
  }
  if ((spec.code === 100 && spec.subcode === 33) || spec.code === 2500) {
    return { 'www-authenticate': `OAuth "Facebook Platform" "invalid_request" "${spec.message}"` };
  }
  return {};
}
