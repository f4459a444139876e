import pino from 'pino';
import { AesGcmPayloadCodec } from './aes-gcm-codec';
import { createCodecServer } from './codec-server';
import { describeEncryption, loadPayloadEncryption } from './encryption-keys';

/**
 * `npm run start:codec`: the codec server alone, for the Temporal UI and CLI.
 *
 *   PAYLOAD_ENCRYPTION_KEYS / PAYLOAD_ENCRYPTION_ACTIVE_KEY   the same keys as the API and the worker
 *   CODEC_SERVER_PORT              default 8888
 *   CODEC_SERVER_HOST              default 127.0.0.1 (0.0.0.0 in a container, published on localhost only)
 *   CODEC_SERVER_ALLOWED_ORIGINS   the UI origins, comma-separated (default http://localhost:8080)
 *   CODEC_SERVER_AUTH_TOKENS       bearer tokens, comma-separated
 *   CODEC_SERVER_ALLOW_UNAUTHENTICATED=true   local development only (the UI sends no token over plain http)
 */
function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function main(): void {
  const logger = pino({ name: 'cobranza-codec', level: process.env.LOG_LEVEL ?? 'info' });
  const encryption = loadPayloadEncryption(process.env);
  if (encryption.kind !== 'keyring') {
    throw new Error(
      'the codec server needs PAYLOAD_ENCRYPTION_KEYS: with encryption disabled there is nothing to decode'
    );
  }
  const allowUnauthenticated = process.env.CODEC_SERVER_ALLOW_UNAUTHENTICATED === 'true';
  const authTokens = list(process.env.CODEC_SERVER_AUTH_TOKENS);
  if (authTokens.length === 0 && !allowUnauthenticated) {
    throw new Error(
      'CODEC_SERVER_AUTH_TOKENS is empty: set bearer tokens, or CODEC_SERVER_ALLOW_UNAUTHENTICATED=true for a local-only server'
    );
  }
  const allowedOrigins = list(process.env.CODEC_SERVER_ALLOWED_ORIGINS ?? 'http://localhost:8080');
  const app = createCodecServer({
    codec: new AesGcmPayloadCodec(encryption),
    allowedOrigins,
    authTokens,
    allowUnauthenticated,
  });
  const port = Number(process.env.CODEC_SERVER_PORT ?? 8888);
  const host = process.env.CODEC_SERVER_HOST ?? '127.0.0.1';
  const server = app.listen(port, host, (err?: Error) => {
    if (err) {
      logger.fatal({ reason: err.message }, 'cannot listen');
      process.exit(1);
    }
    if (allowUnauthenticated) logger.warn('codec server accepts unauthenticated requests (local development only)');
    logger.info({ port, host, allowedOrigins, ...describeEncryption(encryption) }, 'codec server listening');
  });
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 5_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

try {
  main();
} catch (err) {
  process.stderr.write(`cobranza codec server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
