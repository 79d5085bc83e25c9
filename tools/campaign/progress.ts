/** Where progress goes: a bar redrawn in place on a terminal, plain lines anywhere else. */
export interface ProgressSink {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface Progress {
  phase(label: string): void;
  update(done: number, total: number, failed: number, wrong: number): void;
  finish(): void;
}

const BAR_WIDTH = 30;
// Plain lines at most this often, so that a CI log stays readable.
const LINE_INTERVAL_MS = 5_000;

export function createProgress(sink: ProgressSink, now: () => number = () => performance.now()): Progress {
  const started = now();
  let lastLine = -Infinity;
  let lastDraw = -Infinity;
  let drawn = false;
  const eta = (done: number, total: number): string => {
    if (done === 0) return '?';
    const elapsed = now() - started;
    return `${Math.ceil(((total - done) * elapsed) / done / 1000)} s`;
  };
  return {
    phase(label) {
      if (drawn) sink.write('\n');
      drawn = false;
      sink.write(`campaign: ${label}\n`);
    },
    update(done, total, failed, wrong) {
      const at = now();
      const status = `${done}/${total} no answer ${failed} wrong ${wrong} eta ${eta(done, total)}`;
      if (sink.isTTY === true) {
        if (at - lastDraw < 100 && done < total) return;
        lastDraw = at;
        const filled = Math.round((done / total) * BAR_WIDTH);
        sink.write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${status}\u001b[K`);
        drawn = true;
      } else if (at - lastLine >= LINE_INTERVAL_MS || done === total) {
        lastLine = at;
        sink.write(`campaign: ${status}\n`);
      }
    },
    finish() {
      if (drawn) sink.write('\n');
      drawn = false;
    },
  };
}
