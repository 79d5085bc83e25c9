import { connect, type ClientHttp2Session, type Settings } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../helpers/start-gateway.js';

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({ config: { methods: { Sort: { versions: ['sort-merge', 'sort-heap', 'sort-radix'] } } } });
});
afterAll(async () => gateway.stop());

describe('the gRPC listener lets large requests arrive without waiting on its event loop', () => {
  it('advertises a 4 MiB stream window and opens its connection window to 16 MiB', async () => {
    const session: ClientHttp2Session = connect(`http://${gateway.address}`);
    try {
      const settings = await new Promise<Settings>((resolve, reject) => {
        session.once('remoteSettings', resolve);
        session.once('error', reject);
      });
      expect(settings.initialWindowSize).toBe(4 * 1024 * 1024);
      // The connection-level WINDOW_UPDATE follows the SETTINGS frame.
      await expect.poll(() => session.state.remoteWindowSize, { timeout: 5_000 }).toBe(16 * 1024 * 1024);
    } finally {
      session.close();
    }
  });
});
