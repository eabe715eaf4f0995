// Output for people (aligned tables, local times, a spinner while waiting) and for scripts (--json).

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = rows.map((row) => row.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function localTime(epochSeconds: number | null | undefined): string {
  if (epochSeconds === null || epochSeconds === undefined) return '-';
  return new Date(epochSeconds * 1000).toLocaleString();
}

export function bytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = value;
  let unit = 0;
  while (v >= 1024 && unit < units.length - 1) {
    v /= 1024;
    unit++;
  }
  return `${Math.round(v * 100) / 100} ${units[unit]}`;
}

/** A one-line spinner on a terminal; plain progress lines otherwise (CI logs, pipes). */
export function progress(enabled: boolean) {
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  const tty = enabled && process.stderr.isTTY;
  let text = '';
  let frame = 0;
  const timer = tty
    ? setInterval(() => process.stderr.write(`\r${frames[frame++ % frames.length]} ${text}\x1b[K`), 100)
    : undefined;
  return {
    update(next: string): void {
      if (next === text) return;
      text = next;
      if (!tty && enabled) process.stderr.write(`${next}\n`);
    },
    done(): void {
      if (timer) {
        clearInterval(timer);
        process.stderr.write('\r\x1b[K');
      }
    },
  };
}
