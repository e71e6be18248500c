/**
 * Reports one cursor per room (how far this tab has received, or read) without a report per message:
 * a room's first report goes at once; while it is unanswered, later ones merge into the highest seq,
 * sent when the answer (or its timeout) comes. At most one report per room is then in flight, and the
 * last seq always goes. `send` resolves once the server answered, rejects when it gave up (no
 * connection): such a report is kept, and `resendUnanswered` (on reconnect) sends it again. Without
 * that, what was read offline would stay unread everywhere else, and its sender never see "Read".
 * An answer that asks to be tried later (`{ retryAfterMs }`: the server was busy, or this socket sent
 * too much) is kept too, and sent again by itself after that wait: the connection is there, so no
 * reconnect would send it. `stop` (the client closing) cancels those waits.
 */
export function cursorReporter(send: (roomId: string, seq: number) => Promise<{ retryAfterMs: number } | void>) {
  // A room has an entry while a report for it is in flight: the seq sent, and the highest one since.
  const inFlight = new Map<string, { sent: number; next: number | null }>();
  // Per room, the highest seq whose report got no answer and that no later report has covered.
  const unanswered = new Map<string, number>();
  const waits = new Set<ReturnType<typeof setTimeout>>();
  let stopped = false;
  const keep = (roomId: string, seq: number) => unanswered.set(roomId, Math.max(unanswered.get(roomId) ?? 0, seq));
  const resend = (roomId: string) => {
    const seq = unanswered.get(roomId);
    if (seq === undefined) return;
    unanswered.delete(roomId);
    report(roomId, seq);
  };

  const start = (roomId: string, seq: number) => {
    inFlight.set(roomId, { sent: seq, next: null });
    void send(roomId, seq)
      .then(
        (answer) => {
          if (answer) {
            keep(roomId, seq);
            if (stopped) return;
            const wait = setTimeout(() => {
              waits.delete(wait);
              resend(roomId);
            }, answer.retryAfterMs);
            waits.add(wait);
          } else if ((unanswered.get(roomId) ?? 0) <= seq) unanswered.delete(roomId);
        },
        () => keep(roomId, seq),
      )
      .finally(() => {
        const next = inFlight.get(roomId)?.next;
        inFlight.delete(roomId);
        if (next != null && !stopped) start(roomId, next);
      });
  };

  const report = (roomId: string, seq: number) => {
    if (stopped) return;
    const room = inFlight.get(roomId);
    if (!room) return start(roomId, seq);
    if (seq > Math.max(room.sent, room.next ?? 0)) room.next = seq;
  };

  return {
    report,
    resendUnanswered: () => {
      for (const roomId of [...unanswered.keys()]) resend(roomId);
    },
    stop: () => {
      stopped = true;
      for (const wait of waits) clearTimeout(wait);
      waits.clear();
    },
  };
}
