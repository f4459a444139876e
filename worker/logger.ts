import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import pino, { type Logger } from 'pino';

/** Structured JSON logs; debtor PII (names, phones, emails) is redacted wherever it appears under these keys. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: {
      // Debtor contact data wherever it could be logged; log lines carry ids, never these.
      paths: [
        'phone',
        'email',
        'to',
        'debtorName',
        'debtor',
        '*.debtor',
        '*.phone',
        '*.to',
        '*.debtorName',
        'account.debtor.email',
      ],
      censor: '[redacted]',
    },
  });
}

const toPino: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Routes the Temporal SDK's own logs (worker, workflow `log`, activity `log`) into pino. */
export function temporalLoggerFor(logger: Logger): DefaultLogger {
  const level = (process.env.TEMPORAL_LOG_LEVEL ?? 'INFO') as LogLevel;
  return new DefaultLogger(level, (entry: LogEntry) => {
    logger[toPino[entry.level]]({ ...entry.meta, sdk: true }, entry.message);
  });
}
