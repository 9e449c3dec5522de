/** `amqp://user:secret@host/vhost` → `amqp://user:***@host/vhost`, for logs and errors. */
export function redactUrl(uri: string): string {
  return uri.replace(/^([a-z]+:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}
