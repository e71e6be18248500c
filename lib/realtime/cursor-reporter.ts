/**
 * Reports one cursor per room (how far this tab has received, or read) without a report per message:
 * a room's first report goes at once; while it is unanswered, later ones merge into the highest seq,
 * sent when the answer (or its timeout) comes. At most one report per room is then in flight, and the
 * last seq always goes. `send` resolves or rejects once the server answered or gave up.
 */
export function cursorReporter(send: (roomId: string, seq: number) => Promise<unknown>) {
  // A room has an entry while a report for it is in flight: the seq sent, and the highest one since.
  const inFlight = new Map<string, { sent: number; next: number | null }>();

  const start = (roomId: string, seq: number) => {
    inFlight.set(roomId, { sent: seq, next: null });
    void send(roomId, seq)
      // Not retried: the next report, or the sync on reconnect (which records delivery), moves the cursor on.
      .catch(() => {})
      .finally(() => {
        const next = inFlight.get(roomId)?.next;
        inFlight.delete(roomId);
        if (next != null) start(roomId, next);
      });
  };

  return (roomId: string, seq: number) => {
    const room = inFlight.get(roomId);
    if (!room) return start(roomId, seq);
    if (seq > Math.max(room.sent, room.next ?? 0)) room.next = seq;
  };
}
