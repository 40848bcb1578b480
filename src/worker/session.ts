/**
 * The training session behind the worker: it owns the loaded data and the current run and answers every protocol
 * command in order. The jobs around it live in their own modules: the sliced loop (runLoop.ts), the bounded-rate
 * events (runEvents.ts), checkpoints for backend switches (checkpoints.ts), the data and its previews
 * (datasets.ts), inspect and reference answers (inspect.ts) and save-and-share (saveShare.ts). The host (host.ts)
 * injects how to post, read assets, pick a backend, tell time and yield, so the session is tested in Node on tfjs.
 */
import { type BackendName, type Config, ConfigError } from '../core/config';
import { Trainer } from '../core/train/trainer';
import { Checkpoints } from './checkpoints';
import { DataLoads } from './dataLoads';
import { heldOutPreview, type Loaded, messageOf, previewOf } from './datasets';
import { SLICE_MS, type SessionHost } from './host';
import { Inspector } from './inspect';
import type { ActiveBackend, Command, RunState, SaveShareCommand, WorkerEvent } from './protocol';
import { RunEvents } from './runEvents';
import { RunLoop } from './runLoop';
import { downloadEvent, loadModelInto, readExperimentEvent, rebuildSavedRun } from './saveShare';
import { transferablesOf } from './transfer';

export type { SessionHost } from './host';

/** The worker's training session; `handle` never rejects (failures become `error`/`dataset-error` events). */
export class TrainingSession {
  private readonly host: SessionHost;
  private readonly initialBackend: BackendName;
  private backend: ActiveBackend | null = null;
  private queue: Promise<void> = Promise.resolve();

  private loaded: Loaded | null = null;

  private trainer: Trainer | null = null;
  private runId = -1;
  private state: RunState = 'empty';

  private readonly loop: RunLoop;
  private readonly events: RunEvents;
  private readonly checkpoints: Checkpoints;
  /** Answers inspect commands (neighbours, comparisons, queries, embeddings) from the current trainer. */
  private readonly inspector = new Inspector();
  /** Built-ins load beside the queue, so the current data and run stay usable meanwhile; uploads wait parsed. */
  private readonly loads: DataLoads;

  constructor(host: SessionHost, initialBackend: BackendName = 'auto') {
    this.host = host;
    this.initialBackend = initialBackend;
    const now = () => host.now();
    this.events = new RunEvents(now, (event) => this.post(event), this.inspector);
    this.checkpoints = new Checkpoints(now);
    this.loads = new DataLoads({
      readAsset: host.readAsset,
      post: (event) => this.post(event),
      install: (loaded, requestId) => {
        this.loaded = loaded;
        this.post({ type: 'dataset-loaded', requestId, info: loaded.info, preview: previewOf(loaded.dataset) });
      },
    });
    this.loop = new RunLoop(host, {
      hasRun: () => this.trainer !== null,
      slice: (count) => this.sliceOrRecover(count),
      afterSlice: () => {
        const trainer = this.trainer;
        if (!trainer) return;
        this.events.afterSlice(trainer, this.runId);
        if (this.checkpoints.due) this.checkpoints.take(trainer);
      },
      contextLost: () => this.backend === 'webgl' && (this.host.isContextLost?.() ?? false),
      recover: () => this.recoverFromLostContext(),
      failed: (error) => this.reportError(error),
    });
  }

  /** Queues a command; `speed`, the cancels and the stop part of `pause` act at once, and a built-in downloads
   * beside the queue (the promise settles when it has arrived or failed), so nothing waits behind a slow load. */
  handle(command: Command): Promise<void> {
    if (command.type === 'speed') {
      this.loop.setSpeed(command.stepsPerSecond);
      return Promise.resolve();
    }
    if (command.type === 'cancel-upload') return Promise.resolve(this.loads.cancelUpload(command.requestId));
    if (command.type === 'load-upload') this.loads.queuedUpload(command.requestId);
    if (command.type === 'pause' && command.runId === this.runId) this.loop.requestStop();
    if (command.type === 'cancel-load') return Promise.resolve(this.loads.cancel(command.requestId));
    if (command.type === 'use-upload' || command.type === 'restore-run') this.loads.supersede();
    if (command.type === 'load-builtin') {
      // The backend is chosen (queued) first, as for any command; the download itself runs beside the queue.
      const ready = this.queue.then(() => this.ensureBackend());
      this.queue = ready.catch((error) => this.reportError(error));
      return this.loads.start(command, this.queue);
    }
    const next = this.queue.then(() => this.process(command)).catch((error) => this.reportError(error));
    this.queue = next;
    return next;
  }

  /** Resolves when every queued command is processed and the loop has stopped (tests, dispose). */
  async whenIdle(): Promise<void> {
    await this.queue;
    await this.loads.idle;
    await this.queue;
    await this.loop.whenDone();
  }

  /** What the live views have cost so far (debug counters the benchmark reads from the worker). */
  get viewTotals(): RunEvents['totals'] {
    return this.events.totals;
  }

  /** The state and step the UI last heard about (tests). */
  get current(): { runId: number; state: RunState; step: number; backend: ActiveBackend | null } {
    return { runId: this.runId, state: this.state, step: this.trainer?.steps ?? 0, backend: this.backend };
  }

  // ─── commands ──────────────────────────────────────────────────────────────────────────────────────────

  private async process(command: Command): Promise<void> {
    if (command.type === 'set-backend') return this.switchBackend(command.backend, null);
    await this.ensureBackend();
    switch (command.type) {
      case 'load-upload':
      case 'use-upload':
        return this.loads.upload(command);
      case 'load-builtin':
      case 'cancel-load':
        return;
      case 'configure':
        return this.configure(command.runId, command.config);
      case 'train':
        if (command.runId !== this.runId || !this.trainer) return;
        if (this.state === 'stopped' || this.state === 'running') return;
        this.startLoop();
        return;
      case 'pause':
        if (command.runId !== this.runId || !this.trainer) return;
        await this.loop.stop();
        if (this.state === 'running') this.settle(this.trainer);
        return;
      case 'step':
        if (command.runId !== this.runId || !this.trainer || this.state === 'stopped') return;
        await this.loop.stop();
        if (!this.runSteps(this.trainer, 1)) return;
        this.events.flushProgress(this.runId);
        this.settle(this.trainer);
        return;
      case 'refresh':
        if (command.runId !== this.runId || !this.trainer) return;
        this.events.refresh(this.trainer, this.runId);
        return;
      case 'debug-lose-context':
        this.host.loseContext?.();
        return;
      case 'speed':
      case 'debug-crash':
      case 'cancel-upload':
        return;
      case 'neighbours':
      case 'compare-samples':
      case 'query':
      case 'get-embeddings':
      case 'evaluate-reference':
        if (command.runId !== this.runId || !this.trainer) return;
        this.post(this.inspector.handle(command, this.trainer));
        return;
      case 'dispose':
        await this.loop.stop();
        this.trainer?.dispose();
        this.trainer = null;
        return;
      default:
        return this.saveShare(command);
    }
  }

  /** Paused at the current step: a checkpoint, the state, fresh metrics and a snapshot. */
  private settle(trainer: Trainer): void {
    this.checkpoints.take(trainer);
    this.setState('paused');
    this.events.refresh(trainer, this.runId);
  }

  /**
   * A fresh run for the loaded data. Trainer.init validates the config against the data (the one validation in the
   * worker); a config that cannot run changes nothing, not even a running loop.
   */
  private async configure(runId: number, config: Config): Promise<void> {
    if (runId < this.runId) return;
    const configError = (path: string, message: string) =>
      this.post({ type: 'config-error', runId, issues: [{ path, message }] });
    if (!this.loaded) return configError('data.dataset', 'no dataset is loaded yet; load one first');
    const { dataset, info } = this.loaded;
    if (config.data.dataset !== info.name)
      return configError(
        'data.dataset',
        `data.dataset is "${config.data.dataset}" but the loaded dataset is "${info.name}"`,
      );
    let trainer: Trainer;
    try {
      trainer = Trainer.init(config, dataset);
    } catch (error) {
      if (error instanceof ConfigError) this.post({ type: 'config-error', runId, issues: error.issues });
      else configError('', messageOf(error));
      return;
    }
    await this.loop.stop();
    this.install(trainer, runId);
    this.post({
      type: 'configured',
      runId,
      variableCount: trainer.variableCount,
      heldOut: heldOutPreview(trainer, dataset),
    });
    this.setState('ready');
    this.checkpoints.take(trainer);
    this.events.refresh(trainer, runId);
  }

  /** Makes `trainer` the current run `runId` (the loop is stopped). */
  private install(trainer: Trainer, runId: number): void {
    this.trainer?.dispose();
    this.trainer = trainer;
    this.runId = runId;
    this.checkpoints.clear();
    this.events.startRun(trainer.steps);
  }

  /** Save-and-share commands (saveShare.ts): every failure is a `save-error` and leaves the run as it was. */
  private async saveShare(command: SaveShareCommand): Promise<void> {
    const { requestId } = command;
    try {
      if (command.type === 'restore-run') return await this.restoreRun(command);
      if (command.type === 'read-experiment') return this.post(readExperimentEvent(command));
      const trainer = this.trainer;
      if (!trainer || !this.loaded || command.runId !== this.runId)
        throw new Error('that run is no longer the current one; try again');
      switch (command.type) {
        case 'export-model':
        case 'export-embeddings':
        case 'export-pytorch':
          this.post(await downloadEvent(command, trainer, this.loaded, this.runId));
          return;
        case 'get-weights': {
          const { steps: step, epoch, config } = trainer;
          const weights = trainer.exportModelWeights();
          this.post({ type: 'weights', requestId, run: this.runId, step, epoch, config, weights });
          return;
        }
        case 'load-model': {
          const source = await loadModelInto(trainer, command.files);
          if (this.trainer !== trainer) return;
          this.checkpoints.take(trainer);
          this.post({ type: 'model-loaded', requestId, run: this.runId, step: trainer.steps, source });
          this.events.refresh(trainer, this.runId);
          return;
        }
      }
    } catch (error) {
      this.post({ type: 'save-error', requestId, message: messageOf(error) });
    }
  }

  /** Reopens a saved run: built and checked first, then swapped in (so a file of another model changes nothing). */
  private async restoreRun(command: Extract<SaveShareCommand, { type: 'restore-run' }>): Promise<void> {
    if (command.runId < this.runId)
      throw new Error('a newer run was started meanwhile; the saved run was not reopened');
    const { trainer, loaded } = await rebuildSavedRun(command, this.host.readAsset, this.loaded);
    await this.loop.stop();
    this.install(trainer, command.runId);
    this.loaded = loaded;
    const { dataset, info } = loaded;
    this.post({
      type: 'restored',
      requestId: command.requestId,
      run: command.runId,
      info,
      preview: previewOf(dataset),
      heldOut: heldOutPreview(trainer, dataset),
      variableCount: trainer.variableCount,
      step: trainer.steps,
      epoch: trainer.epoch,
    });
    this.setState(trainer.steps > 0 ? 'paused' : 'ready');
    this.checkpoints.take(trainer);
    this.events.refresh(trainer, command.runId);
  }

  // ─── backends ──────────────────────────────────────────────────────────────────────────────────────────

  private async ensureBackend(): Promise<void> {
    if (this.backend) return;
    const choice = await this.host.selectBackend(this.initialBackend);
    this.backend = choice.backend;
    this.post({ type: 'backend', backend: choice.backend, renderer: choice.renderer, reason: choice.reason });
  }

  /** Moves the run to another backend from a checkpoint, going on if it ran. `lostAt` set: a lost WebGL context. */
  private async switchBackend(wanted: BackendName, lostAt: number | null): Promise<void> {
    const wasRunning = this.loop.isRunning || this.state === 'running';
    if (lostAt === null) {
      await this.loop.stop();
      if (this.trainer) this.checkpoints.take(this.trainer);
    }
    const old = this.trainer;
    this.trainer = null;
    try {
      old?.dispose();
    } catch {
      // A lost context may refuse to free its textures; they are gone anyway.
    }
    const choice = await this.host.selectBackend(wanted);
    this.backend = choice.backend;
    let reason = choice.reason;
    this.trainer = old ? this.checkpoints.rebuild(old) : null;
    if (this.trainer && lostAt !== null) {
      reason =
        `The WebGL context was lost; continuing on ${choice.backend.toUpperCase()} from step ${this.checkpoints.step}` +
        (choice.reason ? ` (${choice.reason})` : '');
    }
    this.post({ type: 'backend', backend: choice.backend, renderer: choice.renderer, reason });
    if (this.trainer) {
      this.events.refresh(this.trainer, this.runId);
      if (wasRunning && this.state !== 'stopped') this.startLoop();
      else this.postState();
    }
  }

  private async recoverFromLostContext(): Promise<void> {
    if (!this.trainer) return;
    this.loop.retire();
    this.state = 'running';
    const step = this.checkpoints.step;
    this.events.dropAfter(step);
    // Run the switch on the command queue so it is ordered with later commands.
    this.queue = this.queue.then(() => this.switchBackend('wasm', step)).catch((error) => this.reportError(error));
  }

  // ─── the loop ──────────────────────────────────────────────────────────────────────────────────────────

  private startLoop(): void {
    this.events.loopStarted();
    this.setState('running');
    this.loop.start();
  }

  /** Runs a slice; false when the loop must end (halted, or a failure that started recovery). */
  private sliceOrRecover(count: number | null): boolean {
    const trainer = this.trainer;
    if (!trainer) return false;
    try {
      return this.runSteps(trainer, count) && this.trainer === trainer;
    } catch (error) {
      if (this.backend === 'webgl') {
        void this.recoverFromLostContext();
        return false;
      }
      throw error;
    }
  }

  /** `count` steps, or (null) as many as fit in one slice; false when a non-finite loss halted the run. */
  private runSteps(trainer: Trainer, count: number | null): boolean {
    const start = this.host.now();
    let done = 0;
    while (count === null ? this.host.now() - start < SLICE_MS : done < count) {
      this.events.record(trainer.step());
      done++;
      const reason = trainer.stopReason;
      if (reason) {
        this.loop.requestStop();
        this.events.halted(trainer, this.runId, reason);
        this.setState('stopped');
        return false;
      }
    }
    return true;
  }

  // ─── state and posting ─────────────────────────────────────────────────────────────────────────────────

  private setState(state: RunState): void {
    this.state = state;
    this.postState();
  }

  private postState(): void {
    const step = this.trainer?.steps ?? 0;
    const epoch = this.trainer?.epoch ?? 0;
    this.post({ type: 'state', runId: this.runId, state: this.state, step, epoch });
  }

  private reportError(error: unknown): void {
    this.loop.requestStop();
    this.post({ type: 'error', runId: this.runId >= 0 ? this.runId : null, message: messageOf(error) });
    if (this.state === 'running') this.setState('paused');
  }

  private post(event: WorkerEvent): void {
    this.host.post(event, transferablesOf(event));
  }
}
