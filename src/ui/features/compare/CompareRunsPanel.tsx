/**
 * "Compare runs": keep the current run (its configuration, curves and final metrics), then compare the kept runs —
 * loss and a chosen metric overlaid per run, a table of final metrics, and only the settings that differ.
 */
import { useEffect, useMemo, useState, type JSX } from 'react';
import type { Config } from '../../../core/config';
import type { MetricsPoint, ProgressPoint } from '../../../worker/protocol';
import { ChartFigure } from '../../charts/ChartFigure';
import { classColour } from '../../scatter/palette';
import { configDifferences, makeKeptRun, overlayRows, type KeptRun, type KeptRunsAction } from './keptRuns';

const METRICS = [
  ['mapAtR', 'MAP@R'],
  ['precisionAt1', 'P@1'],
  ['pairAccuracy', 'Pair accuracy'],
] as const;
type MetricKey = (typeof METRICS)[number][0];

type ChartModule = typeof import('./CompareLineChart');
let chartModule: ChartModule | null = null;
let chartLoading: Promise<ChartModule> | null = null;

/**
 * The recharts chart, loaded on demand (a chunk of its own). `wanted` turns true once a run is kept, so by
 * the time a second run is kept and the charts appear, it is usually there already.
 */
function useChartModule(wanted: boolean): { module: ChartModule | null; failed: boolean } {
  const [module, setModule] = useState<ChartModule | null>(chartModule);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!wanted || module || failed) return;
    let current = true;
    chartLoading ??= import('./CompareLineChart').then((m) => (chartModule = m));
    chartLoading.then(
      (m) => current && setModule(m),
      () => {
        chartLoading = null;
        if (current) setFailed(true);
      },
    );
    return () => {
      current = false;
    };
  }, [wanted, module, failed]);
  return { module: module ?? chartModule, failed };
}

/** Unique per page load, so ids of kept runs never collide with runs kept (and saved) in earlier sessions. */
const SESSION = Date.now().toString(36);

function format(v: number | null, digits = 3): string {
  return v === null || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

/** `<section aria-label="Compare runs">`. */
export function CompareRunsPanel(props: {
  runs: readonly KeptRun[];
  current: {
    runId: number;
    config: Config;
    step: number;
    progress: readonly ProgressPoint[];
    metrics: readonly MetricsPoint[];
  };
  dispatch(action: KeptRunsAction): void;
}): JSX.Element {
  const { runs, current, dispatch } = props;
  const [metric, setMetric] = useState<MetricKey>('mapAtR');
  const lossRows = useMemo(
    () => overlayRows(runs, (r) => r.loss.map((p) => ({ step: p.step, value: p.loss }))),
    [runs],
  );
  const metricRows = useMemo(
    () => overlayRows(runs, (r) => r.metrics.map((m) => ({ step: m.step, value: m[metric] }))),
    [runs, metric],
  );
  const differences = useMemo(() => configDifferences(runs.map((r) => r.config)), [runs]);
  const metricTitle = METRICS.find(([key]) => key === metric)![1];
  const chart = useChartModule(runs.length > 0);
  const chartMissing = chart.failed ? (
    <p className="chart-empty">The chart could not be loaded; the table above has the final numbers.</p>
  ) : null;

  const keep = () => {
    const id = `${SESSION}-${current.runId}-${current.step}`;
    const existing = runs.find((r) => r.id === id);
    const used = new Set(runs.map((r) => r.name));
    let number = runs.length + 1;
    while (used.has(`Run ${number}`)) number++;
    dispatch({
      type: 'keep-run',
      run: makeKeptRun({
        id,
        name: existing?.name ?? `Run ${number}`,
        config: current.config,
        steps: current.step,
        progress: current.progress,
        metrics: current.metrics,
      }),
    });
  };

  return (
    <section aria-label="Compare runs" className="panel compare-runs">
      <h2>Compare runs</h2>
      <p className="help">
        Keep a run, change a setting (the network starts afresh), train again and keep that one too: their curves, final
        metrics and the settings that differ appear side by side.
      </p>
      <button type="button" onClick={keep} disabled={current.step === 0}>
        Keep this run
      </button>
      {current.step === 0 ? <span className="help"> (train a few steps first)</span> : null}
      {runs.length === 0 ? null : (
        <>
          <table aria-label="Final metrics" className="final-metrics">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Dataset</th>
                <th scope="col">Steps</th>
                <th scope="col">Final loss</th>
                <th scope="col">P@1</th>
                <th scope="col">MAP@R</th>
                <th scope="col">Pair accuracy</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r, i) => (
                <tr key={r.id} data-run={r.id}>
                  <th scope="row" style={{ textAlign: 'left' }}>
                    <span
                      aria-hidden="true"
                      style={{
                        display: 'inline-block',
                        width: 10,
                        height: 10,
                        borderRadius: 5,
                        background: classColour(i),
                        marginRight: 4,
                      }}
                    />
                    {r.name}
                  </th>
                  <td>{r.dataset}</td>
                  <td data-metric="steps">{r.final.steps}</td>
                  <td data-metric="loss">{format(r.final.loss, 4)}</td>
                  <td data-metric="precisionAt1">{format(r.final.precisionAt1)}</td>
                  <td data-metric="mapAtR">{format(r.final.mapAtR)}</td>
                  <td data-metric="pairAccuracy">{format(r.final.pairAccuracy)}</td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Remove ${r.name}`}
                      onClick={() => dispatch({ type: 'remove-kept-run', id: r.id })}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="help">
            Metrics are those of each run’s last held-out evaluation (P@1: the nearest other sample has the same class;
            MAP@R: how well each class is ranked first; pair accuracy: same/different verdicts at the best threshold).
          </p>
          {runs.length < 2 ? (
            <p className="help">Keep another run to compare configurations and curves.</p>
          ) : (
            <>
              {differences.length === 0 ? (
                <p role="note" aria-label="Configuration differences">
                  The kept runs share every setting (only the training length or randomness differs).
                </p>
              ) : (
                <table aria-label="Configuration differences" className="config-diff">
                  <thead>
                    <tr>
                      <th scope="col">Setting</th>
                      {runs.map((r) => (
                        <th scope="col" key={r.id}>
                          {r.name}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {differences.map((d) => (
                      <tr key={d.path} data-path={d.path}>
                        <th scope="row" style={{ textAlign: 'left' }}>
                          {d.path}
                        </th>
                        {d.values.map((v, i) => (
                          <td key={runs[i].id}>{v}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <div className="charts">
                <ChartFigure
                  label="Compared loss"
                  caption="Training loss of each kept run against step."
                  empty={lossRows.length === 0}
                  emptyText="No losses kept."
                >
                  {chart.module ? (
                    <chart.module.CompareLineChart
                      rows={lossRows}
                      runs={runs}
                      yWidth={56}
                      tickFormatter={(v: number) => v.toPrecision(3)}
                      dots={() => false}
                    />
                  ) : (
                    chartMissing
                  )}
                </ChartFigure>
                <div className="chart-with-select">
                  <label>
                    Compared metric{' '}
                    <select
                      aria-label="Compared metric"
                      value={metric}
                      onChange={(e) => setMetric(e.target.value as MetricKey)}
                    >
                      {METRICS.map(([key, title]) => (
                        <option key={key} value={key}>
                          {title}
                        </option>
                      ))}
                    </select>
                  </label>
                  <ChartFigure
                    label="Compared metric"
                    caption={`Held-out ${metricTitle} of each kept run against step.`}
                    empty={metricRows.length === 0}
                    emptyText="No evaluations kept."
                  >
                    {chart.module ? (
                      <chart.module.CompareLineChart
                        rows={metricRows}
                        runs={runs}
                        yWidth={40}
                        yDomain={[0, 1]}
                        dots={(r) => runs.length < 2 || r.metrics.length < 3}
                      />
                    ) : (
                      chartMissing
                    )}
                  </ChartFigure>
                </div>
              </div>
            </>
          )}
        </>
      )}
    </section>
  );
}
