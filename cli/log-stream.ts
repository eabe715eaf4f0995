// A service's output as `GET /service/logs/ID` streams it: lines `<timestamp> <text>`, printed with
// or without the timestamp (the original showed it only with -t).

/** Prints the stream's lines to stdout until it ends (or its request is aborted, which throws). */
export async function printLogLines(response: Response, timestamps: boolean, onLine: () => void = () => undefined): Promise<void> {
  let pending = '';
  const decoder = new TextDecoder();
  const emit = (line: string) => {
    const space = line.indexOf(' ');
    process.stdout.write(`${timestamps || space < 0 ? line : line.slice(space + 1)}\n`);
    onLine();
  };
  for await (const chunk of response.body ?? []) {
    pending += decoder.decode(chunk as Uint8Array, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    lines.forEach(emit);
  }
  if (pending) emit(pending);
}
