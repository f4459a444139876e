import { createServer, type AddressInfo, type Server } from 'node:net';

/**
 * `n` distinct loopback ports free right now, for a child process or a server the test starts. They are all held
 * open together before being released, so the OS never hands out the same one twice.
 */
export async function freePorts(n: number): Promise<number[]> {
  const held = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        })
    )
  );
  const ports = held.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(held.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/** A port nothing listens on: a client pointed there fails the way an unreachable service does. */
export async function deadPort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}
