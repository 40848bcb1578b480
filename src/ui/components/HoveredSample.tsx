/**
 * The embedding scatter's hover read-out of a held-out sample: its thumbnail, its first row values, or its text.
 */
import type { JSX } from 'react';
import type { SamplePreview } from '../../worker/protocol';
import { useSampleCanvas } from '../features/inspect/SampleThumb';

const ROW_COLUMNS_SHOWN = 8;

/** The hovered sample: thumbnail, first row values, or text. */
export function HoveredSample(props: { sample: SamplePreview | null; index: number }): JSX.Element | null {
  const { sample, index } = props;
  if (!sample || index >= sample.count) return null;
  if (sample.kind === 'image' && sample.values) return <SampleImage sample={sample} index={index} />;
  if (sample.kind === 'row' && sample.values) {
    const d = sample.shape[0] ?? 0;
    const shown = Math.min(d, ROW_COLUMNS_SHOWN);
    const cells = Array.from({ length: shown }, (_, k) => ({
      name: sample.columns?.[k] ?? `x${k}`,
      value: sample.values![index * d + k],
    }));
    return (
      <table className="sample-values">
        <tbody>
          {cells.map((c) => (
            <tr key={c.name}>
              <th scope="row">{c.name}</th>
              <td>{Number.isFinite(c.value) ? Number(c.value.toPrecision(4)) : String(c.value)}</td>
            </tr>
          ))}
          {d > shown && (
            <tr>
              <td colSpan={2}>… {d - shown} more</td>
            </tr>
          )}
        </tbody>
      </table>
    );
  }
  if (sample.kind === 'text' && sample.texts) return <p className="sample-text">{sample.texts[index]}</p>;
  return null;
}

/** Draws one image sample on a small canvas (greyscale or RGB), scaled up pixelated. */
function SampleImage(props: { sample: SamplePreview; index: number }): JSX.Element {
  const ref = useSampleCanvas(props.sample, props.index);
  const [h, w] = props.sample.shape;
  const scale = Math.max(1, Math.floor(64 / Math.max(h, w)));
  return (
    <canvas
      ref={ref}
      aria-label="Sample image"
      className="sample-image"
      style={{ width: w * scale, height: h * scale }}
    />
  );
}
