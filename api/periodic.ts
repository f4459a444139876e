import type { Logger } from 'pino';

/**
 * Runs `round` every `intervalMs`, never two at once (a slow round skips the ticks it overlaps). A failed round is
 * logged at warn and the next one tries again. Returns the function that stops it. The timer does not keep the
 * process alive.
 */
export function everyInterval(
  intervalMs: number,
  what: string,
  logger: Logger,
  round: () => Promise<void>
): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await round();
    } catch (err) {
      logger.warn({ reason: (err as Error).name }, `${what} round failed; retrying next round`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
