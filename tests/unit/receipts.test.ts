import { describe, expect, it } from 'vitest';
import { receiptLabel } from '@/lib/receipts';
import type { ChatMessage, RoomMemberSummary, RoomSummary } from '@/lib/schemas';

const member = (handle: string, readSeq: number, deliveredSeq: number, joinedSeq?: number): RoomMemberSummary => ({
  handle,
  displayName: handle,
  avatarUrl: null,
  readSeq,
  deliveredSeq,
  ...(joinedSeq !== undefined && { joinedSeq }),
});
const group = (members: RoomMemberSummary[]) => ({ id: 'g', kind: 'group', name: 'Group', members }) as unknown as RoomSummary;
const mine = (seq: number) => ({ seq, sender: 'me' }) as ChatMessage;

describe('receipt label', () => {
  it('counts, under a group message, only the members who were there when it was sent', () => {
    // Carol came in at seq 4, her cursors starting there: she neither read nor received messages 1–4.
    const room = group([member('me', 5, 5), member('bob', 2, 3), member('carol', 4, 4, 4)]);
    expect(receiptLabel(room, mine(3), 'me')).toBe('Delivered to 1 of 1');
    expect(receiptLabel(room, mine(2), 'me')).toBe('Read by 1 of 1');
    expect(receiptLabel(room, mine(5), 'me')).toBe('Sent');
    const later = group([member('me', 6, 6), member('bob', 6, 6), member('carol', 5, 6, 4)]);
    expect(receiptLabel(later, mine(6), 'me')).toBe('Read by 1 of 2');
    expect(receiptLabel(later, mine(5), 'me')).toBe('Read by 2 of 2');
  });

  it('counts a member whose join point is not known (a list kept offline by an older page) for every message', () => {
    expect(receiptLabel(group([member('me', 0, 0), member('bob', 3, 3)]), mine(1), 'me')).toBe('Read by 1 of 1');
  });

  it('says Sent in a group with nobody else in it when the message was sent', () => {
    expect(receiptLabel(group([member('me', 2, 2), member('bob', 2, 2, 2)]), mine(2), 'me')).toBe('Sent');
  });
});
