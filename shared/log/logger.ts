/** Structured log lines: a message and flat fields. Never a secret, never a record's content. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

interface LogMethods {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** Routes lines to an InvocationContext (so the host correlates them) or to the console. */
export function loggerFor(target: LogMethods): Logger {
  const line = (message: string, fields?: LogFields) => (fields ? `${message} ${JSON.stringify(fields)}` : message);
  return {
    info: (message, fields) => target.info(line(message, fields)),
    warn: (message, fields) => target.warn(line(message, fields)),
    error: (message, fields) => target.error(line(message, fields)),
  };
}
