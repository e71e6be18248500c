/**
 * Reports one cursor per room (how far this tab has received, or read) without a report per message:
 * a room's first report goes at once; while it is unanswered, later ones merge into the highest seq,
 * sent when the answer (or its timeout) comes. At most one report per room is then in flight, and the
 * last seq always goes. `send` resolves once the server answered, rejects when it gave up (no
 * connection): such a report is kept, and `resendUnanswered` (on reconnect) sends it again. Without
 * that, what was read offline would stay unread everywhere else, and its sender never see "Read".
 */
export function cursorReporter(send: (roomId: string, seq: number) => Promise<unknown>) {
  // A room has an entry while a report for it is in flight: the seq sent, and the highest one since.
  const inFlight = new Map<string, { sent: number; next: number | null }>();
  // Per room, the highest seq whose report got no answer and that no later report has covered.
  const unanswered = new Map<string, number>();

  const start = (roomId: string, seq: number) => {
    inFlight.set(roomId, { sent: seq, next: null });
    void send(roomId, seq)
      .then(
        () => (unanswered.get(roomId) ?? 0) <= seq && unanswered.delete(roomId),
        () => unanswered.set(roomId, Math.max(unanswered.get(roomId) ?? 0, seq)),
      )
      .finally(() => {
        const next = inFlight.get(roomId)?.next;
        inFlight.delete(roomId);
        if (next != null) start(roomId, next);
      });
  };

  const report = (roomId: string, seq: number) => {
    const room = inFlight.get(roomId);
    if (!room) return start(roomId, seq);
    if (seq > Math.max(room.sent, room.next ?? 0)) room.next = seq;
  };

  return {
    report,
    resendUnanswered: () => {
      const pending = [...unanswered];
      unanswered.clear();
      for (const [roomId, seq] of pending) report(roomId, seq);
    },
  };
}
