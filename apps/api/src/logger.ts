import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured logs; credentials are redacted wherever they could appear. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'stratum-api' },
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'token', '*.token', 'variables.token', 'connectionParams.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
