/** Drives bench/pytorch_bench.py (Debian's python3-torch, one thread) as a long-lived peer of the tfjs loops. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Debian's interpreter, which has python3-torch; NOT the pyenv python3 that may come first on PATH. */
export const SYSTEM_PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../pytorch_bench.py', import.meta.url));

export class PytorchPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly queue: ((line: string) => void)[] = [];
  private stderr = '';
  info: { torch: string; threads: number } | null = null;

  private constructor() {
    this.child = spawn(SYSTEM_PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk) => (this.stderr = (this.stderr + String(chunk)).slice(-2000)));
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.queue.shift()?.(line));
  }

  /** Starts the peer, or explains why it cannot (no interpreter, no torch). */
  static async start(timeoutMs = 120_000): Promise<PytorchPeer> {
    if (!existsSync(SYSTEM_PYTHON)) throw new Error(`${SYSTEM_PYTHON} not found (apt-get install python3-torch)`);
    const peer = new PytorchPeer();
    const ready = JSON.parse(await peer.next(timeoutMs)) as { ready: boolean; torch: string; threads: number };
    peer.info = { torch: ready.torch, threads: ready.threads };
    return peer;
  }

  private next(timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`pytorch peer did not answer in ${timeoutMs} ms: ${this.stderr}`)),
        timeoutMs,
      );
      const onExit = (code: number | null) => reject(new Error(`pytorch peer exited (${code}): ${this.stderr}`));
      this.child.once('exit', onExit);
      this.queue.push((line) => {
        clearTimeout(timer);
        this.child.off('exit', onExit);
        resolve(line);
      });
    });
  }

  /** Runs `steps` training steps in Python; returns the seconds they took (timed inside Python) and the last loss. */
  async run(steps: number): Promise<{ seconds: number; loss: number }> {
    this.child.stdin.write(`run ${steps}\n`);
    const reply = JSON.parse(await this.next(600_000)) as { seconds: number; loss: number };
    return reply;
  }

  stop(): void {
    if (this.child.exitCode === null) {
      this.child.stdin.write('quit\n');
      this.child.stdin.end();
      setTimeout(() => this.child.exitCode === null && this.child.kill(), 2000).unref();
    }
    this.lines.close();
  }
}
