// One logger for the API, the worker, the activities and the set-up scripts, in one line format:
// `<ISO time> <LEVEL> <component> <message> <json attributes>`.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogAttributes = Record<string, unknown>;

export interface Logger {
  debug(message: string, attributes?: LogAttributes): void;
  info(message: string, attributes?: LogAttributes): void;
  warn(message: string, attributes?: LogAttributes): void;
  error(message: string, attributes?: LogAttributes): void;
  child(component: string): Logger;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(component: string, minimum: LogLevel = 'info'): Logger {
  const write = (level: LogLevel, message: string, attributes?: LogAttributes): void => {
    if (order[level] < order[minimum]) return;
    const extra = attributes && Object.keys(attributes).length > 0 ? ` ${safeJson(attributes)}` : '';
    process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} ${component} ${message}${extra}\n`);
  };
  return {
    debug: (m, a) => write('debug', m, a),
    info: (m, a) => write('info', m, a),
    warn: (m, a) => write('warn', m, a),
    error: (m, a) => write('error', m, a),
    child: (sub) => createLogger(`${component}/${sub}`, minimum),
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message } : v));
  } catch {
    return '"<unserialisable>"';
  }
}
