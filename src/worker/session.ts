/**
 * The training session behind the worker: every protocol command, the sliced training loop, bounded-rate events,
 * checkpoints and backend switches. Nothing here touches `self` or the DOM: the host (the worker entry, or a test
 * in Node) injects how to post, read assets, pick a backend, tell time and yield, so the loop is tested with real
 * tfjs on CPU/WASM.
 */
import type { ModelWeights } from '../core/export/weights';
import type { BackendName, Config } from '../core/config';
import { validate } from '../core/config';
import { builtinInfo, loadBuiltinDataset, type AssetReader } from '../core/data/builtin';
import { featureSize, type Dataset } from '../core/data/dataset';
import { loadUpload, type UploadSummary } from '../core/data/loaders/index';
import { Trainer } from '../core/train/trainer';
import type { StepResult } from '../core/train/types';
import type { BackendChoice } from './backend';
import {
  transferablesOf,
  type ActiveBackend,
  type Command,
  type DatasetInfo,
  type MetricsPoint,
  type ProgressPoint,
  type RunState,
  type SamplePreview,
  type WorkerEvent,
} from './protocol';
import { pairDistancesOf, snapshotBatchTeach, tripletsWithRunLoss } from './teachProtocol';
import { embeddingsDownload, loadModelInto, loadRestoreDataset, modelDownload, pytorchDownload } from './saveShare';
import type { SaveShareCommand } from './saveShareProtocol';
import { Inspector } from './inspect';

/** What the session needs from its surroundings. */
export interface SessionHost {
  post(event: WorkerEvent, transfer: Transferable[]): void;
  readAsset: AssetReader;
  /** Activates a backend (with fallbacks) and says which one runs and why. */
  selectBackend(wanted: BackendName): Promise<BackendChoice>;
  /** Milliseconds, monotonic. */
  now(): number;
  /** Lets queued commands (pause!) run between slices; a macrotask, not a frame. */
  yieldToEvents(): Promise<void>;
  /** Waits between steps in slow motion (default: setTimeout). */
  sleep?(ms: number): Promise<void>;
  /** True when the WebGL context is gone (only meaningful on webgl). */
  isContextLost?(): boolean;
  /** Test hook behind `debug-lose-context`. */
  loseContext?(): boolean;
}

/** Work per slice before yielding: short enough that a pause lands within ~100 ms. */
export const SLICE_MS = 25;
/** Minimum gaps between events of one kind, so a fast loop cannot flood the UI. */
export const PROGRESS_INTERVAL_MS = 100;
export const SNAPSHOT_INTERVAL_MS = 250;
export const METRICS_INTERVAL_MS = 1000;
/** A checkpoint of the weights survives a lost WebGL context; taken this often while training. */
export const CHECKPOINT_INTERVAL_MS = 2000;
/** Samples in a dataset preview. */
export const PREVIEW_SAMPLES = 32;

/** Every weight of the network, batch-norm statistics included (so a backend switch loses nothing). */
type Weights = ModelWeights;

interface Loaded {
  dataset: Dataset;
  info: DatasetInfo;
  preview: SamplePreview;
}

/** The worker's training session; `handle` never rejects (failures become `error`/`dataset-error` events). */
export class TrainingSession {
  private readonly host: SessionHost;
  private readonly initialBackend: BackendName;
  private backend: ActiveBackend | null = null;
  private queue: Promise<void> = Promise.resolve();

  private loaded: Loaded | null = null;
  private pendingUpload: Loaded | null = null;

  private trainer: Trainer | null = null;
  private runId = -1;
  private state: RunState = 'empty';
  private stepsPerSecond: number | null = null;

  private loopGeneration = 0;
  private loopDone: Promise<void> = Promise.resolve();
  private running = false;

  private pendingPoints: ProgressPoint[] = [];
  private lastProgressAt = 0;
  private lastSnapshotAt = 0;
  private lastMetricsAt = 0;
  private lastMetricsStep = 0;
  private checkpoint: { weights: Weights; step: number } | null = null;
  private lastCheckpointAt = 0;
  /** Answers inspect commands (neighbours, comparisons, queries, embeddings) from the current trainer. */
  private readonly inspector = new Inspector();

  constructor(host: SessionHost, initialBackend: BackendName = 'auto') {
    this.host = host;
    this.initialBackend = initialBackend;
  }

  /** Queues a command; `speed` and the stop part of `pause` act at once so they never wait behind a slow load. */
  handle(command: Command): Promise<void> {
    if (command.type === 'speed') {
      this.stepsPerSecond = command.stepsPerSecond && command.stepsPerSecond > 0 ? command.stepsPerSecond : null;
      return Promise.resolve();
    }
    if (command.type === 'pause' && command.runId === this.runId) this.running = false;
    const next = this.queue.then(() => this.process(command)).catch((error) => this.reportError(error));
    this.queue = next;
    return next;
  }

  /** Resolves when every queued command is processed and the loop has stopped (tests, dispose). */
  async whenIdle(): Promise<void> {
    await this.queue;
    await this.loopDone;
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
      case 'load-builtin':
        return this.loadBuiltin(command.requestId, command.name, command.seed);
      case 'load-upload':
        return this.loadUploadFiles(command.requestId, command.files);
      case 'use-upload':
        return this.useUpload(command.requestId);
      case 'configure':
        return this.configure(command.runId, command.config);
      case 'train':
        if (command.runId !== this.runId || !this.trainer) return;
        if (this.state === 'stopped' || this.state === 'running') return;
        this.startLoop();
        return;
      case 'pause':
        if (command.runId !== this.runId || !this.trainer) return;
        await this.stopLoop();
        if (this.state === 'running') {
          this.takeCheckpoint();
          this.setState('paused');
          this.refresh();
        }
        return;
      case 'step':
        if (command.runId !== this.runId || !this.trainer || this.state === 'stopped') return;
        await this.stopLoop();
        this.runSteps(1);
        if (this.trainer.stopReason) return;
        this.flushProgress();
        this.takeCheckpoint();
        this.setState('paused');
        this.refresh();
        return;
      case 'refresh':
        if (command.runId !== this.runId || !this.trainer) return;
        this.refresh();
        return;
      case 'debug-lose-context':
        this.host.loseContext?.();
        return;
      case 'neighbours':
      case 'compare-samples':
      case 'query':
      case 'get-embeddings':
        if (command.runId !== this.runId || !this.trainer) return;
        this.post(this.inspector.handle(command, this.trainer));
        return;
      case 'dispose':
        await this.stopLoop();
        this.trainer?.dispose();
        this.trainer = null;
        return;
      case 'export-model':
      case 'export-embeddings':
      case 'load-model':
      case 'get-weights':
      case 'export-pytorch':
      case 'restore-run':
        return this.saveShare(command);
    }
  }

  /** Save-and-share commands (saveShare.ts): every failure is a `save-error` and leaves the run as it was. */
  private async saveShare(command: SaveShareCommand): Promise<void> {
    const { requestId } = command;
    try {
      if (command.type === 'restore-run') return await this.restoreRun(command);
      const trainer = this.trainer;
      if (!trainer || !this.loaded || command.runId !== this.runId)
        throw new Error('that run is no longer the current one; try again');
      switch (command.type) {
        case 'export-model':
        case 'export-embeddings':
        case 'export-pytorch': {
          const { dataset, info } = this.loaded;
          const file =
            command.type === 'export-model'
              ? await modelDownload(trainer, dataset, info)
              : command.type === 'export-embeddings'
                ? embeddingsDownload(trainer, dataset, info)
                : pytorchDownload(trainer, dataset, info);
          const bytes =
            file.bytes.byteOffset === 0 && file.bytes.byteLength === file.bytes.buffer.byteLength
              ? file.bytes.buffer
              : file.bytes.slice().buffer;
          this.post({
            type: 'file-ready',
            requestId,
            run: this.runId,
            fileName: file.fileName,
            mimeType: file.mimeType,
            bytes: bytes as ArrayBuffer,
          });
          return;
        }
        case 'get-weights':
          this.post({
            type: 'weights',
            requestId,
            run: this.runId,
            step: trainer.steps,
            epoch: trainer.epoch,
            config: trainer.config,
            weights: trainer.exportModelWeights(),
          });
          return;
        case 'load-model': {
          const source = await loadModelInto(trainer, command.files);
          if (this.trainer !== trainer) return;
          this.takeCheckpoint();
          this.post({ type: 'model-loaded', requestId, run: this.runId, step: trainer.steps, source });
          this.refresh();
          return;
        }
      }
    } catch (error) {
      this.post({ type: 'save-error', requestId, message: messageOf(error) });
    }
  }

  /**
   * Reopens a saved run: its data, a trainer for its configuration, its weights and step. Everything is built and
   * checked first; only then are the dataset and run replaced (so a file of another model changes nothing).
   */
  private async restoreRun(command: Extract<SaveShareCommand, { type: 'restore-run' }>): Promise<void> {
    if (command.runId < this.runId)
      throw new Error('a newer run was started meanwhile; the saved run was not reopened');
    const data = await loadRestoreDataset(command.dataset, this.host.readAsset, command.config.seed, this.loaded);
    const { dataset } = data;
    const issues = validate(command.config, {
      kind: dataset.kind,
      modality: dataset.modality,
      numClasses: dataset.kind === 'labelled' ? dataset.classNames.length : undefined,
      featureShape: dataset.featureShape,
      targetKind: dataset.kind === 'pairs' ? dataset.targetKind : undefined,
    });
    if (issues.length)
      throw new Error(`the saved configuration cannot run on this data: ${issues.map((i) => i.message).join('; ')}`);
    const trainer = Trainer.init(command.config, dataset);
    try {
      if (command.weights) trainer.importModelWeights(command.weights, command.step, command.source ?? 'the saved run');
    } catch (error) {
      trainer.dispose();
      throw error;
    }
    await this.stopLoop();
    this.trainer?.dispose();
    this.trainer = trainer;
    const info = describe(dataset, data.name, data.title, data.description, data.upload);
    this.loaded = { dataset, info, preview: previewOf(dataset) };
    this.runId = command.runId;
    this.checkpoint = null;
    this.pendingPoints = [];
    this.lastMetricsStep = trainer.steps;
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
    this.takeCheckpoint();
    this.refresh();
  }

  private async ensureBackend(): Promise<void> {
    if (this.backend) return;
    const choice = await this.host.selectBackend(this.initialBackend);
    this.backend = choice.backend;
    this.post({ type: 'backend', backend: choice.backend, renderer: choice.renderer, reason: choice.reason });
  }

  private async loadBuiltin(requestId: number, name: string, seed: number): Promise<void> {
    try {
      const info = builtinInfo(name);
      const dataset = await loadBuiltinDataset(name, this.host.readAsset, { seed });
      this.loaded = {
        dataset,
        info: describe(dataset, name, info.title, info.description),
        preview: previewOf(dataset),
      };
      this.post({ type: 'dataset-loaded', requestId, info: this.loaded.info, preview: this.loaded.preview });
    } catch (error) {
      this.post({ type: 'dataset-error', requestId, message: messageOf(error) });
    }
  }

  private async loadUploadFiles(
    requestId: number,
    files: { name: string; bytes: ArrayBuffer; className?: string }[],
  ): Promise<void> {
    try {
      const { dataset, summary } = await loadUpload(
        files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes), className: f.className })),
        { progress: (fraction) => this.post({ type: 'load-progress', requestId, fraction }) },
      );
      const fileNames = files.map((f) => f.name).join(', ');
      // Many files (a folder of class folders) get a short name; the title still lists them.
      const uploadName = files.length === 1 ? files[0].name : files.length <= 3 ? fileNames : `${files.length} images`;
      const info = describe(
        dataset,
        `upload:${uploadName}`,
        files.length <= 3 ? fileNames : uploadName,
        dataset.description,
        summary,
      );
      this.pendingUpload = { dataset, info, preview: previewOf(dataset) };
      this.post({ type: 'upload-parsed', requestId, info, preview: previewOf(dataset) });
    } catch (error) {
      this.post({ type: 'dataset-error', requestId, message: messageOf(error) });
    }
  }

  private useUpload(requestId: number): void {
    if (!this.pendingUpload) {
      this.post({ type: 'dataset-error', requestId, message: 'there is no parsed upload to use; upload files first' });
      return;
    }
    this.loaded = this.pendingUpload;
    this.pendingUpload = null;
    this.post({ type: 'dataset-loaded', requestId, info: this.loaded.info, preview: previewOf(this.loaded.dataset) });
  }

  private async configure(runId: number, config: Config): Promise<void> {
    if (runId < this.runId) return;
    if (!this.loaded) {
      this.post({
        type: 'config-error',
        runId,
        issues: [{ path: 'data.dataset', message: 'no dataset is loaded yet; load one first' }],
      });
      return;
    }
    const { dataset, info } = this.loaded;
    if (config.data.dataset !== info.name) {
      this.post({
        type: 'config-error',
        runId,
        issues: [
          {
            path: 'data.dataset',
            message: `data.dataset is "${config.data.dataset}" but the loaded dataset is "${info.name}"`,
          },
        ],
      });
      return;
    }
    const issues = validate(config, {
      kind: dataset.kind,
      modality: dataset.modality,
      numClasses: dataset.kind === 'labelled' ? dataset.classNames.length : undefined,
      featureShape: dataset.featureShape,
      targetKind: dataset.kind === 'pairs' ? dataset.targetKind : undefined,
    });
    if (issues.length) {
      this.post({ type: 'config-error', runId, issues });
      return;
    }
    let trainer: Trainer;
    try {
      await this.stopLoop();
      trainer = Trainer.init(config, dataset);
    } catch (error) {
      this.post({ type: 'config-error', runId, issues: [{ path: '', message: messageOf(error) }] });
      return;
    }
    this.trainer?.dispose();
    this.trainer = trainer;
    this.runId = runId;
    this.checkpoint = null;
    this.pendingPoints = [];
    this.lastMetricsStep = 0;
    this.post({
      type: 'configured',
      runId,
      variableCount: trainer.variableCount,
      heldOut: heldOutPreview(trainer, dataset),
    });
    this.setState('ready');
    this.takeCheckpoint();
    this.refresh();
  }

  /**
   * Moves the run to another backend: stop, checkpoint, switch, rebuild the trainer with the same config and data,
   * import the weights and step, and go on if it was running. `lostAt` set = recovering from a lost WebGL context.
   */
  private async switchBackend(wanted: BackendName, lostAt: number | null): Promise<void> {
    const wasRunning = this.running || this.state === 'running';
    if (lostAt === null) {
      await this.stopLoop();
      if (this.trainer) this.takeCheckpoint();
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
    if (old && this.checkpoint) {
      const trainer = Trainer.init(old.config, old.dataset);
      trainer.importModelWeights(this.checkpoint.weights, this.checkpoint.step, 'the checkpoint');
      this.trainer = trainer;
      if (lostAt !== null) {
        reason =
          `The WebGL context was lost; continuing on ${choice.backend.toUpperCase()} from step ${this.checkpoint.step}` +
          (choice.reason ? ` (${choice.reason})` : '');
      }
    }
    this.post({ type: 'backend', backend: choice.backend, renderer: choice.renderer, reason });
    if (this.trainer) {
      this.refresh();
      if (wasRunning && this.state !== 'stopped') this.startLoop();
      else this.postState();
    }
  }

  // ─── the loop ──────────────────────────────────────────────────────────────────────────────────────────

  private startLoop(): void {
    const generation = ++this.loopGeneration;
    this.running = true;
    this.lastProgressAt = this.host.now();
    this.setState('running');
    this.loopDone = this.loop(generation).catch((error) => {
      this.running = false;
      this.reportError(error);
      if (this.state === 'running') this.setState('paused');
    });
  }

  /** Stops the loop and waits until it is out of its slice (it checks `running` between steps). */
  private async stopLoop(): Promise<void> {
    this.running = false;
    this.loopGeneration++;
    await this.loopDone;
  }

  private live(generation: number): boolean {
    return this.running && generation === this.loopGeneration && this.trainer !== null;
  }

  private async loop(generation: number): Promise<void> {
    let nextStepAt = this.host.now();
    while (this.live(generation)) {
      const cap = this.stepsPerSecond;
      if (cap !== null) {
        const wait = nextStepAt - this.host.now();
        if (wait > 0) {
          await this.sleep(Math.min(wait, 50));
          continue;
        }
        nextStepAt = Math.max(nextStepAt + 1000 / cap, this.host.now() - 1000 / cap);
        if (!this.sliceOrRecover(1)) return;
      } else {
        nextStepAt = this.host.now();
        if (!this.sliceOrRecover(null)) return;
      }
      if (!this.live(generation)) return;
      if (this.host.isContextLost?.() && this.backend === 'webgl') {
        await this.recoverFromLostContext();
        return;
      }
      this.afterSlice();
      await this.host.yieldToEvents();
    }
  }

  /** Runs a slice; false when the loop must end (halted, or a failure that started recovery). */
  private sliceOrRecover(count: number | null): boolean {
    try {
      this.runSteps(count);
    } catch (error) {
      if (this.backend === 'webgl') {
        void this.recoverFromLostContext();
        return false;
      }
      throw error;
    }
    return this.trainer !== null && !this.trainer.stopReason;
  }

  private async recoverFromLostContext(): Promise<void> {
    const trainer = this.trainer;
    if (!trainer) return;
    this.running = false;
    this.loopGeneration++;
    this.state = 'running';
    const step = this.checkpoint?.step ?? 0;
    this.pendingPoints = this.pendingPoints.filter((p) => p.step <= step);
    // Run the switch on the command queue so it is ordered with later commands.
    this.queue = this.queue.then(() => this.switchBackend('wasm', step)).catch((error) => this.reportError(error));
  }

  /** `count` steps, or (null) as many as fit in one slice. Halts on a non-finite loss. */
  private runSteps(count: number | null): void {
    const trainer = this.trainer!;
    const start = this.host.now();
    let done = 0;
    while (count === null ? this.host.now() - start < SLICE_MS : done < count) {
      const result = trainer.step();
      done++;
      this.pendingPoints.push(pointOf(result));
      if (trainer.stopReason) {
        this.halt(trainer);
        return;
      }
    }
  }

  private halt(trainer: Trainer): void {
    this.running = false;
    this.flushProgress();
    const reason = trainer.stopReason!;
    const c = trainer.config;
    const suggestion =
      `lower the learning rate (now ${c.optimizer.learningRate})` +
      (c.model.l2Normalize ? '' : ' or turn on L2 normalisation') +
      ', then press Reset';
    this.post({ type: 'halted', runId: this.runId, step: reason.step, reason: reason.message, suggestion });
    this.setState('stopped');
  }

  /** Bounded-rate events and checkpoints between slices. */
  private afterSlice(): void {
    const trainer = this.trainer!;
    const now = this.host.now();
    if (now - this.lastProgressAt >= PROGRESS_INTERVAL_MS) this.flushProgress();
    const every = trainer.config.training.evalEvery;
    if (every > 0 && trainer.steps - this.lastMetricsStep >= every && now - this.lastMetricsAt >= METRICS_INTERVAL_MS)
      this.postMetrics();
    if (now - this.lastSnapshotAt >= SNAPSHOT_INTERVAL_MS) this.postSnapshot();
    if (now - this.lastCheckpointAt >= CHECKPOINT_INTERVAL_MS) this.takeCheckpoint();
  }

  // ─── events ────────────────────────────────────────────────────────────────────────────────────────────

  private flushProgress(): void {
    if (this.pendingPoints.length === 0) return;
    const now = this.host.now();
    const elapsed = Math.max(now - this.lastProgressAt, 1);
    const points = this.pendingPoints;
    this.pendingPoints = [];
    const stepsPerSecond = (points.length * 1000) / elapsed;
    this.lastProgressAt = now;
    this.post({ type: 'progress', runId: this.runId, points, stepsPerSecond });
  }

  /** Metrics and snapshot now (pause, step, refresh, a new run). */
  private refresh(): void {
    this.flushProgress();
    this.postMetrics();
    this.postSnapshot();
  }

  private postMetrics(): void {
    const trainer = this.trainer;
    if (!trainer) return;
    const evaluation = trainer.evaluate();
    this.inspector.noteEvaluation(trainer, evaluation);
    const m = evaluation.metrics;
    const p = evaluation.pairs;
    const metrics: MetricsPoint = {
      step: evaluation.step,
      precisionAt1: m ? finiteOrNull(m.precisionAt1) : null,
      rPrecision: m ? finiteOrNull(m.rPrecision) : null,
      mapAtR: m ? finiteOrNull(m.mapAtR) : null,
      pairAccuracy: m ? finiteOrNull(m.pairAccuracy) : p ? finiteOrNull(p.accuracy) : null,
      auc: m ? finiteOrNull(m.auc) : p ? finiteOrNull(p.auc) : null,
      validationLoss: finiteOrNull(evaluation.validationLoss),
    };
    if (m?.collapse.collapsed && m.collapse.message) metrics.collapseWarning = m.collapse.message;
    this.lastMetricsAt = this.host.now();
    this.lastMetricsStep = trainer.steps;
    this.post({
      type: 'metrics',
      runId: this.runId,
      metrics,
      pairDistances: pairDistancesOf(evaluation.step, m, trainer.config),
    });
  }

  private postSnapshot(): void {
    const trainer = this.trainer;
    if (!trainer) return;
    const s = trainer.snapshot();
    this.lastSnapshotAt = this.host.now();
    this.post({
      type: 'snapshot',
      runId: this.runId,
      step: s.step,
      coordinates: s.coordinates,
      labels: s.labels,
      batch: s.batch
        ? {
            coordinates: s.batch.coordinates,
            labels: s.batch.labels,
            triplets: tripletsWithRunLoss(s.batch.triplets, trainer.config),
            ...snapshotBatchTeach(s.batch, trainer.config),
          }
        : null,
      lda: s.lda ?? null,
    });
  }

  private takeCheckpoint(): void {
    if (!this.trainer) return;
    this.checkpoint = { weights: this.trainer.exportModelWeights(), step: this.trainer.steps };
    this.lastCheckpointAt = this.host.now();
  }

  private setState(state: RunState): void {
    this.state = state;
    this.postState();
  }

  private postState(): void {
    this.post({
      type: 'state',
      runId: this.runId,
      state: this.state,
      step: this.trainer?.steps ?? 0,
      epoch: this.trainer?.epoch ?? 0,
    });
  }

  private reportError(error: unknown): void {
    this.running = false;
    this.post({ type: 'error', runId: this.runId >= 0 ? this.runId : undefined, message: messageOf(error) });
    if (this.state === 'running') this.setState('paused');
  }

  private post(event: WorkerEvent): void {
    this.host.post(event, transferablesOf(event));
  }

  private sleep(ms: number): Promise<void> {
    return this.host.sleep ? this.host.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
  }
}

// ─── pure helpers ────────────────────────────────────────────────────────────────────────────────────────

function pointOf(result: StepResult): ProgressPoint {
  const point: ProgressPoint = { step: result.step, epoch: result.epoch, loss: result.loss };
  if (result.counts) {
    point.easy = result.counts.easy;
    point.semiHard = result.counts.semiHard;
    point.hard = result.counts.hard;
  }
  return point;
}

function finiteOrNull(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What the UI shows about a dataset (no features). */
export function describe(
  dataset: Dataset,
  name: string,
  title: string,
  description: string,
  upload?: UploadSummary,
): DatasetInfo {
  const classNames =
    dataset.kind === 'labelled' ? dataset.classNames : dataset.targetKind === 'binary' ? ['different', 'similar'] : [];
  return {
    name,
    title,
    description,
    kind: dataset.kind,
    modality: dataset.modality,
    numSamples: dataset.kind === 'labelled' ? dataset.numSamples : dataset.numPairs,
    featureShape: [...dataset.featureShape],
    classNames: [...classNames],
    upload,
  };
}

function previewKind(dataset: Dataset): SamplePreview['kind'] {
  if (dataset.modality === 'image') return 'image';
  if (dataset.modality === 'text') return 'text';
  return 'row';
}

/** Builds a preview from sample indices of a flat feature array. */
function previewFrom(
  kind: SamplePreview['kind'],
  shape: number[],
  features: Float32Array,
  indices: number[],
  labels: Int32Array,
  texts?: string[],
  columns?: string[],
): SamplePreview {
  const size = featureSize(shape);
  const preview: SamplePreview = {
    kind,
    shape: [...shape],
    count: indices.length,
    labels: Int32Array.from(indices, (i) => labels[i]),
  };
  if (kind === 'text' && texts) preview.texts = indices.map((i) => texts[i] ?? '');
  else {
    const values = new Float32Array(indices.length * size);
    indices.forEach((i, k) => values.set(features.subarray(i * size, (i + 1) * size), k * size));
    preview.values = values;
  }
  if (columns) preview.columns = [...columns];
  return preview;
}

/** Up to 32 samples, taking classes in turn so every class shows. */
export function previewOf(dataset: Dataset): SamplePreview {
  if (dataset.kind === 'pairs') {
    const n = Math.min(PREVIEW_SAMPLES, dataset.numPairs);
    const labels = Int32Array.from(dataset.targets, (t) => (t > 0.5 ? 1 : 0));
    return previewFrom(
      previewKind(dataset),
      dataset.featureShape,
      dataset.a,
      Array.from({ length: n }, (_, i) => i),
      labels,
      dataset.textsA,
    );
  }
  const byClass: number[][] = dataset.classNames.map(() => []);
  for (let i = 0; i < dataset.numSamples; i++) byClass[dataset.labels[i]]?.push(i);
  const picked: number[] = [];
  for (
    let round = 0;
    picked.length < Math.min(PREVIEW_SAMPLES, dataset.numSamples) && round < dataset.numSamples;
    round++
  ) {
    for (const members of byClass)
      if (round < members.length && picked.length < PREVIEW_SAMPLES) picked.push(members[round]);
  }
  return previewFrom(
    previewKind(dataset),
    dataset.featureShape,
    dataset.features,
    picked,
    dataset.labels,
    dataset.texts,
    dataset.featureNames,
  );
}

/** The run's held-out samples in snapshot order (for hover). */
function heldOutPreview(trainer: Trainer, dataset: Dataset): SamplePreview {
  const h = trainer.heldOutSamples();
  const count = h.labels.length;
  const indices = Array.from({ length: count }, (_, i) => i);
  const columns = dataset.kind === 'labelled' ? dataset.featureNames : undefined;
  return previewFrom(previewKind(dataset), h.shape, h.features, indices, h.labels, h.texts, columns);
}
