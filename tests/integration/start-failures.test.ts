import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startAppServer } from '../helpers/app-server';

// A node that cannot start must stop, saying why, so its supervisor sees it and restarts or alerts.
describe('a node that cannot start', () => {
  it('exits with 1 and says so when its port is taken, rather than living on without listening', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      await expect(startAppServer({ PORT: String(port) }, { startTimeoutMs: 60_000 })).rejects.toThrow(
        /exited with 1 [\s\S]*\[relay\] failed to start: listen EADDRINUSE/,
      );
    } finally {
      holder.close();
    }
  }, 90_000);
});
