import WebSocket from 'ws';

// A server's retained heap, read from outside through the V8 inspector: a full collection first, so what
// is counted is what the process holds, not the garbage of whatever it did last. Both servers of (f) are
// started with `--inspect=127.0.0.1:0`; nothing in them exists for this.

/** The inspector's WebSocket address, from what node prints when it starts with --inspect. */
export const inspectorUrl = (output: string) => output.match(/Debugger listening on (ws:\/\/\S+)/)?.[1] ?? null;

/** Heap used after a full garbage collection, in bytes. */
export async function retainedHeap(url: string): Promise<number> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let nextId = 0;
  const call = (method: string) =>
    new Promise<Record<string, number>>((resolve, reject) => {
      const id = ++nextId;
      const onMessage = (data: WebSocket.RawData) => {
        const reply = JSON.parse(String(data));
        if (reply.id !== id) return;
        socket.off('message', onMessage);
        if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
        else resolve(reply.result);
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    return (await call('Runtime.getHeapUsage')).usedSize;
  } finally {
    socket.close();
  }
}
