/**
 * The projection worker's loop, host-injected like TrainingSession so it runs in Node tests: one job at a time, in
 * slices of at most SLICE_MS between yields (so a newer job or a cancel is read at once), progress at a bounded
 * rate, and the finished layout with a neighbourhood-preservation score.
 */
import type { StepLayout } from '../core/projection/layout';
import { toMetricSpace } from '../core/projection/metricSpace';
import { neighbourhoodPreservation } from '../core/projection/quality';
import { TsneLayout } from '../core/projection/tsne';
import { UmapLayout } from '../core/projection/umap';
import type { ProjectionCommand, ProjectionEvent } from './protocol/projection';

export interface ProjectionHost {
  post(event: ProjectionEvent, transfer: Transferable[]): void;
  now(): number;
  yieldToEvents(): Promise<void>;
}

/** Work per slice before yielding. */
export const PROJECTION_SLICE_MS = 30;
/** Least time between progress events of one job. */
export const PROJECTION_PROGRESS_MS = 150;
/** UMAP epochs (fewer than umap-js's 500: a live view values speed; the layout is settled well before). */
export const UMAP_EPOCHS = 200;
/** t-SNE iterations from a random start, and from a previous layout. */
export const TSNE_ITERATIONS = 500;
export const TSNE_WARM_ITERATIONS = 200;
/** Neighbourhood preservation is estimated from this many evenly spaced points. */
const PRESERVATION_QUERIES = 300;

export class ProjectionSession {
  private current = -1;

  constructor(private readonly host: ProjectionHost) {}

  /** Handles one command; resolves when a started job has finished, failed or been replaced. */
  async handle(command: ProjectionCommand): Promise<void> {
    if (command.type === 'cancel') {
      if (command.jobId === this.current) this.current = -1;
      return;
    }
    this.current = command.jobId;
    await this.run(command);
  }

  private async run(job: Extract<ProjectionCommand, { type: 'project' }>): Promise<void> {
    const started = this.host.now();
    const live = () => this.current === job.jobId;
    try {
      const space = toMetricSpace(job.values, job.n, job.dim, job.distance, job.whitening);
      const layout: StepLayout =
        job.method === 'umap'
          ? new UmapLayout(space, { seed: job.seed, epochs: UMAP_EPOCHS })
          : new TsneLayout(space, {
              seed: job.seed,
              initial: job.initial && job.initial.length === job.n * 2 ? job.initial : undefined,
              iterations: job.initial && job.initial.length === job.n * 2 ? TSNE_WARM_ITERATIONS : TSNE_ITERATIONS,
            });
      let lastProgress = started;
      let done = false;
      while (!done) {
        const sliceStart = this.host.now();
        while (!done && this.host.now() - sliceStart < PROJECTION_SLICE_MS) done = layout.step();
        if (this.host.now() - lastProgress >= PROJECTION_PROGRESS_MS && !done) {
          lastProgress = this.host.now();
          this.host.post({ type: 'projection-progress', jobId: job.jobId, fraction: layout.progress }, []);
        }
        await this.host.yieldToEvents();
        if (!live()) return;
      }
      const coordinates = layout.coordinates();
      const preservation = neighbourhoodPreservation(space, coordinates, 10, PRESERVATION_QUERIES);
      if (!live()) return;
      this.host.post(
        { type: 'projected', jobId: job.jobId, coordinates, preservation, milliseconds: this.host.now() - started },
        [coordinates.buffer],
      );
    } catch (error) {
      if (live())
        this.host.post(
          {
            type: 'projection-error',
            jobId: job.jobId,
            message: error instanceof Error ? error.message : String(error),
          },
          [],
        );
    }
  }
}
