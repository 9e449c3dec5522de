import { randomBytes } from 'node:crypto';

/** Meta's mark-as-read reference: only messages received in the last 30 days can be marked. */
const MARKABLE_FOR_MS = 30 * 86_400_000;

interface IssuedId {
  phoneNumberId: string;
  direction: 'sent' | 'received';
  at: number;
}

export function newWamid(): string {
  return `wamid.${randomBytes(30).toString('base64url')}`;
}

/** Every WAMID the simulated Meta issued: for the sends it accepted, and for messages users sent to a number. */
export class IssuedMessageIds {
  private readonly issued = new Map<string, IssuedId>();

  sent(phoneNumberId: string): string {
    const wamid = newWamid();
    this.issued.set(wamid, { phoneNumberId, direction: 'sent', at: Date.now() });
    return wamid;
  }

  received(phoneNumberId: string, wamid = newWamid(), at = Date.now()): string {
    this.issued.set(wamid, { phoneNumberId, direction: 'received', at });
    return wamid;
  }

  /**
   * A number can mark as read a message it received in the last 30 days. A WAMID it never received
   * (unknown, another number's, or one of its own sends) is refused: the fact sheet gives 131009 for an
   * invalid message_id, and what Meta answers for one's own send is undocumented, so never kinder.
   */
  canMarkRead(phoneNumberId: string, wamid: string, now = Date.now()): boolean {
    const issued = this.issued.get(wamid);
    return issued?.direction === 'received' && issued.phoneNumberId === phoneNumberId && now - issued.at <= MARKABLE_FOR_MS;
  }
}
