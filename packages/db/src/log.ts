// The logger shape the db package needs: pino's, so apps pass their own pino instance.
import { pino, type Logger } from 'pino';

export type DbLogger = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;

export const silentLogger: DbLogger = pino({ level: 'silent' });
