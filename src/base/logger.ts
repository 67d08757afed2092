/** Structured fields attached to a log line. Never put secret values here. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * An injected structured logger. Components receive one in their `deps`; the daemon decides
 * where lines go. `child` adds fields (a component name, a node ID) to every line.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Writes one JSON object per line to a sink (stderr by default) at or above `level`. */
export class JsonLogger implements Logger {
  constructor(
    private readonly level: LogLevel = 'info',
    private readonly fields: LogFields = {},
    private readonly sink: (line: string) => void = (line) => process.stderr.write(line + '\n'),
    private readonly now: () => number = () => Date.now(),
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }
  child(fields: LogFields): Logger {
    return new JsonLogger(this.level, { ...this.fields, ...fields }, this.sink, this.now);
  }

  private write(level: LogLevel, msg: string, fields?: LogFields): void {
    if (rank[level] < rank[this.level]) return;
    const time = new Date(this.now()).toISOString();
    this.sink(JSON.stringify({ time, level, msg, ...this.fields, ...fields }));
  }
}

/** Discards everything; the default in tests and pure-core shells. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
