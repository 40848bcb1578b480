/**
 * Timeline: scrub and replay the embedding snapshots stored for this run (see timeline.ts). While a stored snapshot
 * is shown the scatter stops following the live run; "Live" goes back to it.
 */
import { useEffect, useState, type JSX } from 'react';
import type { SnapshotMessage } from '../../../worker/protocol';
import { snapshotAt } from './timeline';

/** Time each snapshot stays on screen during a replay (about one scatter transition). */
export const REPLAY_FRAME_MS = 450;
/** A replay shows at most this many snapshots (evenly spaced among the stored ones, the last always included). */
export const REPLAY_MAX_FRAMES = 60;

export interface TimelineController {
  /** The step of the stored snapshot being shown; null = live. */
  selectedStep: number | null;
  playing: boolean;
  /** The stored snapshot to show instead of the live one, or null (live). */
  shown: SnapshotMessage | null;
  select(step: number | null): void;
  replay(): void;
  stop(): void;
}

/** Timeline state of the page: scrub position and replay (reset with each new run). */
export function useTimeline(timeline: readonly SnapshotMessage[], runId: number): TimelineController {
  const [selectedStep, setSelectedStep] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new run is the trigger that resets the timeline
  useEffect(() => {
    setSelectedStep(null);
    setPlaying(false);
  }, [runId]);

  useEffect(() => {
    if (!playing) return;
    const timer = setTimeout(() => {
      const steps = replaySteps(timeline);
      const next = steps.find((s) => selectedStep === null || s > selectedStep);
      if (next === undefined) setPlaying(false);
      else {
        setSelectedStep(next);
        if (next === steps[steps.length - 1]) setPlaying(false);
      }
    }, REPLAY_FRAME_MS);
    return () => clearTimeout(timer);
  }, [playing, selectedStep, timeline]);

  return {
    selectedStep,
    playing,
    shown: selectedStep === null ? null : snapshotAt(timeline, selectedStep),
    select: (step) => {
      setPlaying(false);
      setSelectedStep(step);
    },
    replay: () => {
      if (timeline.length === 0) return;
      setSelectedStep(timeline[0].step);
      setPlaying(true);
    },
    stop: () => setPlaying(false),
  };
}

/** The steps a replay visits: every stored one, or evenly spaced ones when there are many (first and last kept). */
export function replaySteps(timeline: readonly SnapshotMessage[], maxFrames = REPLAY_MAX_FRAMES): number[] {
  const n = timeline.length;
  if (n <= maxFrames) return timeline.map((s) => s.step);
  const picked = new Set<number>();
  for (let i = 0; i < maxFrames; i++) picked.add(Math.round((i * (n - 1)) / (maxFrames - 1)));
  return [...picked].sort((a, b) => a - b).map((i) => timeline[i].step);
}

/** `<section aria-label="Timeline">`: the "Snapshot" slider, "Replay timeline" and "Live". */
export function TimelinePanel(props: {
  timeline: readonly SnapshotMessage[];
  controller: TimelineController;
  note?: string | null;
}): JSX.Element {
  const { timeline, controller } = props;
  const n = timeline.length;
  const liveIndex = n - 1;
  const shown = controller.shown;
  const index = shown ? Math.max(0, timeline.indexOf(shown)) : liveIndex;
  const steps = timeline.map((s) => s.step);
  return (
    <section
      aria-label="Timeline"
      className="panel timeline"
      data-steps={steps.join(',')}
      data-live={controller.selectedStep === null ? 'true' : 'false'}
    >
      <h2>Timeline</h2>
      {n === 0 ? (
        <p className="help">No snapshots yet: train or step the network.</p>
      ) : (
        <>
          <div className="timeline-row">
            <label htmlFor="timeline-snapshot">Snapshot</label>
            <input
              id="timeline-snapshot"
              type="range"
              aria-label="Snapshot"
              min={0}
              max={Math.max(0, liveIndex)}
              step={1}
              value={Math.max(0, index)}
              aria-valuetext={`step ${timeline[Math.max(0, index)].step}, snapshot ${Math.max(0, index) + 1} of ${n}`}
              onChange={(e) => controller.select(timeline[Number(e.target.value)].step)}
            />
            <span aria-live="polite" data-step={controller.selectedStep ?? ''}>
              {controller.selectedStep === null
                ? `live (step ${timeline[liveIndex].step})`
                : `step ${shown?.step ?? ''} · ${index + 1} of ${n}`}
            </span>
          </div>
          <div className="timeline-row">
            <button type="button" onClick={() => (controller.playing ? controller.stop() : controller.replay())}>
              {controller.playing ? 'Pause replay' : 'Replay timeline'}
            </button>
            <button type="button" disabled={controller.selectedStep === null} onClick={() => controller.select(null)}>
              Live
            </button>
          </div>
          <p className="help">
            {n} stored snapshot{n === 1 ? '' : 's'} of this run (every one up to 200, then evenly thinned). Scrub or
            replay to watch the embedding space organise itself; the scatter shows the stored PCA view of that step.
            {props.note ? ` ${props.note}` : ''}
          </p>
        </>
      )}
    </section>
  );
}
