/**
 * A compact view of one sample for the neighbour and query lists: a pixelated thumbnail for images, the first values
 * of a row, or the text.
 */
import { useEffect, useRef, type JSX, type RefObject } from 'react';
import type { SamplePreview } from '../../../worker/protocol';
import { sampleToRgba } from '../../scatter/render';

const ROW_VALUES_SHOWN = 6;

/** Sample `index` of `preview`, described by `label` for screen readers (images). */
export function SampleThumb(props: {
  preview: SamplePreview | null;
  index: number;
  label: string;
  size?: number;
}): JSX.Element | null {
  const { preview, index, label } = props;
  if (!preview || index < 0 || index >= preview.count) return null;
  if (preview.kind === 'image' && preview.values)
    return <ImageThumb preview={preview} index={index} label={label} size={props.size ?? 40} />;
  if (preview.kind === 'text' && preview.texts) return <q className="sample-text">{preview.texts[index]}</q>;
  if (preview.values) {
    const d = preview.shape[0] ?? 0;
    const shown = Math.min(d, ROW_VALUES_SHOWN);
    const cells = Array.from({ length: shown }, (_, k) => {
      const v = preview.values![index * d + k];
      const name = preview.columns?.[k];
      return `${name ? `${name} ` : ''}${Number.isFinite(v) ? Number(v.toPrecision(3)) : String(v)}`;
    });
    return (
      <span className="sample-row">
        {cells.join(', ')}
        {d > shown ? `, … (${d - shown} more)` : ''}
      </span>
    );
  }
  return null;
}

/**
 * A ref for a canvas that shows image sample `index` of `preview` at its own resolution (one canvas pixel per sample
 * pixel; the caller scales it up with CSS).
 */
export function useSampleCanvas(preview: SamplePreview, index: number): RefObject<HTMLCanvasElement | null> {
  const ref = useRef<HTMLCanvasElement | null>(null);
  const [h, w] = preview.shape;
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !preview.values) return;
    canvas.width = w;
    canvas.height = h;
    const image = ctx.createImageData(w, h);
    image.data.set(sampleToRgba(preview.values, preview.shape, index));
    ctx.putImageData(image, 0, 0);
  }, [preview, index, h, w]);
  return ref;
}

function ImageThumb(props: { preview: SamplePreview; index: number; label: string; size: number }): JSX.Element {
  const ref = useSampleCanvas(props.preview, props.index);
  const [h, w] = props.preview.shape;
  const scale = props.size / Math.max(h, w);
  return (
    <canvas
      ref={ref}
      role="img"
      aria-label={props.label}
      className="sample-thumb"
      style={{ width: w * scale, height: h * scale, imageRendering: 'pixelated' }}
    />
  );
}
