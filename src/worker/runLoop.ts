/**
 * The training loop: slices of steps (SLICE_MS of the host's clock, or one step at a time under a speed cap), a
 * yield to queued commands after every slice, so a pause is read at the next yield. A generation number retires a
 * stopped loop even while it waits in a yield or a slow-motion sleep. The first run's first SOFT_START_MS go at half
 * duty (see host.ts).
 */
import { SOFT_START_MS, type SessionHost } from './host';

/** What the loop asks of the run it drives. */
export interface LoopDriver {
  /** Whether there is a run to train. */
  hasRun(): boolean;
  /** Runs `count` steps, or (null) one slice; false when the loop must end (halted, or recovery started). */
  slice(count: number | null): boolean;
  /** The bounded-rate events and checkpoints between slices. */
  afterSlice(): void;
  /** True when the backend's context is gone; `recover` then moves the run and the loop ends. */
  contextLost(): boolean;
  recover(): Promise<void>;
  /** The loop threw. */
  failed(error: unknown): void;
}

export class RunLoop {
  private generation = 0;
  private done: Promise<void> = Promise.resolve();
  private running = false;
  /** Slow motion: at most this many steps per second; null = as fast as possible. */
  private cap: number | null = null;
  /** Whether a run has started (only the first starts softly). */
  private started = false;

  constructor(
    private readonly host: Pick<SessionHost, 'now' | 'yieldToEvents' | 'sleep'>,
    private readonly driver: LoopDriver,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  setSpeed(stepsPerSecond: number | null): void {
    this.cap = stepsPerSecond && stepsPerSecond > 0 ? stepsPerSecond : null;
  }

  /** Asks the loop to stop at its next check, without waiting (a pause acts before queued commands). */
  requestStop(): void {
    this.running = false;
  }

  /** Stops the loop where it is, without waiting for it (it is retired by its generation). */
  retire(): void {
    this.running = false;
    this.generation++;
  }

  start(): void {
    const generation = ++this.generation;
    this.running = true;
    this.done = this.run(generation).catch((error) => {
      this.running = false;
      this.driver.failed(error);
    });
  }

  /** Stops the loop and waits until it is out of its slice (it checks between steps). */
  async stop(): Promise<void> {
    this.retire();
    await this.done;
  }

  /** Resolves when the loop has ended. */
  whenDone(): Promise<void> {
    return this.done;
  }

  private live(generation: number): boolean {
    return this.running && generation === this.generation && this.driver.hasRun();
  }

  private async run(generation: number): Promise<void> {
    let nextStepAt = this.host.now();
    const softUntil = this.started ? -Infinity : nextStepAt + SOFT_START_MS;
    this.started = true;
    while (this.live(generation)) {
      let pause = 0;
      const cap = this.cap;
      if (cap !== null) {
        const wait = nextStepAt - this.host.now();
        if (wait > 0) {
          await this.sleep(Math.min(wait, 50));
          continue;
        }
        nextStepAt = Math.max(nextStepAt + 1000 / cap, this.host.now() - 1000 / cap);
        if (!this.driver.slice(1)) return;
      } else {
        nextStepAt = this.host.now();
        if (!this.driver.slice(null)) return;
        if (nextStepAt < softUntil) pause = this.host.now() - nextStepAt;
      }
      if (!this.live(generation)) return;
      if (this.driver.contextLost()) {
        await this.driver.recover();
        return;
      }
      this.driver.afterSlice();
      if (pause > 0) await this.sleep(pause);
      else await this.host.yieldToEvents();
    }
  }

  private sleep(ms: number): Promise<void> {
    return this.host.sleep ? this.host.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
  }
}
