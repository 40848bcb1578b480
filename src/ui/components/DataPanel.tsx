/** Dataset choice, preview, upload (picker or drop) with its summary, and load errors. */
import { useEffect, useRef, type JSX } from 'react';
import { BUILTIN_DATASETS } from '../../core/data/builtin';
import type { DatasetInfo, SamplePreview } from '../../worker/protocol';
import type { UploadState } from '../state/reducer';

const ACCEPT = '.csv,.tsv,.txt,.npy,.zip,.png,.jpg,.jpeg';

function ImageThumb(props: { preview: SamplePreview; index: number }): JSX.Element {
  const ref = useRef<HTMLCanvasElement | null>(null);
  const { preview, index } = props;
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !preview.values) return;
    const [h, w, c] = [preview.shape[0] ?? 1, preview.shape[1] ?? 1, preview.shape[2] ?? 1];
    const image = ctx.createImageData(w, h);
    const offset = index * h * w * c;
    for (let p = 0; p < h * w; p++) {
      for (let k = 0; k < 3; k++) image.data[p * 4 + k] = Math.round(255 * (preview.values[offset + p * c + (c === 1 ? 0 : k)] ?? 0));
      image.data[p * 4 + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  }, [preview, index]);
  return <canvas ref={ref} width={preview.shape[1] ?? 1} height={preview.shape[0] ?? 1} className="thumb" />;
}

/** Thumbnails, a small table or a list of texts, depending on the data. */
export function Preview(props: { preview: SamplePreview; classNames: readonly string[] }): JSX.Element {
  const { preview, classNames } = props;
  const n = Math.min(preview.count, preview.kind === 'image' ? 24 : 8);
  const label = (i: number) => classNames[preview.labels[i]] ?? String(preview.labels[i]);
  if (preview.kind === 'image') {
    return (
      <div className="thumbs">
        {Array.from({ length: n }, (_, i) => (
          <span key={i} title={label(i)}><ImageThumb preview={preview} index={i} /></span>
        ))}
      </div>
    );
  }
  if (preview.kind === 'text') {
    return <ul className="texts">{Array.from({ length: n }, (_, i) => <li key={i}><b>{label(i)}</b>: {preview.texts?.[i]}</li>)}</ul>;
  }
  const d = preview.shape[0] ?? 0;
  const cols = Math.min(d, 6);
  return (
    <table>
      <thead>
        <tr>{Array.from({ length: cols }, (_, j) => <th key={j}>{preview.columns?.[j] ?? `x${j + 1}`}</th>)}<th>class</th></tr>
      </thead>
      <tbody>
        {Array.from({ length: n }, (_, i) => (
          <tr key={i}>
            {Array.from({ length: cols }, (_, j) => <td key={j}>{(preview.values?.[i * d + j] ?? 0).toFixed(2)}</td>)}
            <td>{label(i)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** `<section aria-label="Data">`. */
export function DataPanel(props: {
  selected: string;
  dataset: DatasetInfo | null;
  preview: SamplePreview | null;
  usedUpload: DatasetInfo | null;
  upload: UploadState;
  error: string | null;
  disabled: boolean;
  onSelect(name: string): void;
  onFiles(files: File[]): void;
  onUse(): void;
  onDiscard(): void;
}): JSX.Element {
  const input = useRef<HTMLInputElement | null>(null);
  const { dataset, preview, upload } = props;
  return (
    <section aria-label="Data" className="panel">
      <h2>Data</h2>
      <label>
        <span>Dataset </span>
        <select aria-label="Dataset" value={props.selected} disabled={props.disabled} onChange={(e) => props.onSelect(e.target.value)}>
          {BUILTIN_DATASETS.map((b) => (
            <option key={b.name} value={b.name}>{b.title}</option>
          ))}
          {props.usedUpload ? <option value={props.usedUpload.name}>{props.usedUpload.title}</option> : null}
        </select>
      </label>
      <p className="description">{dataset ? `${dataset.description} (${dataset.numSamples.toLocaleString('en')} samples, ${dataset.classNames.length} classes)` : 'Loading…'}</p>
      <figure aria-label="Dataset preview">{preview && dataset ? <Preview preview={preview} classNames={dataset.classNames} /> : null}</figure>
      <input
        ref={input}
        type="file"
        aria-label="Upload data"
        multiple
        accept={ACCEPT}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          if (files.length > 0) props.onFiles(files);
          e.target.value = '';
        }}
      />
      <div
        role="button"
        tabIndex={0}
        aria-label="Drop files here"
        className="dropzone"
        onClick={() => input.current?.click()}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            input.current?.click();
          }
        }}
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          const files = Array.from(e.dataTransfer.files);
          if (files.length > 0) props.onFiles(files);
        }}
      >
        Drop CSV, TSV, text, .npy, ZIP or image files here (or click to choose)
      </div>
      {upload.phase === 'parsing' ? <progress aria-label="Parsing upload" max={1} value={upload.fraction} /> : null}
      {upload.phase === 'parsed' ? (
        <section aria-label="Upload summary" className="summary">
          <p>
            {upload.info.upload?.samples ?? upload.info.numSamples} samples · {upload.info.upload?.classes ?? upload.info.classNames.length} classes · shape [
            {(upload.info.upload?.shape ?? upload.info.featureShape).join(' × ')}]
            {upload.info.upload?.labelColumn ? ` · label column "${upload.info.upload.labelColumn}"` : ''}
          </p>
          {upload.info.upload && upload.info.upload.notes.length > 0 ? <ul>{upload.info.upload.notes.map((n) => <li key={n}>{n}</li>)}</ul> : null}
          <button type="button" onClick={props.onUse}>Use this data</button>
          <button type="button" onClick={props.onDiscard}>Discard</button>
        </section>
      ) : null}
      {props.error ? <p role="alert">{props.error}</p> : null}
    </section>
  );
}
