/**
 * The 2-D coordinates the embedding scatter shows, as CSV (one row per held-out point). Pure and free of tfjs, so
 * the page writes it straight from the snapshot it draws.
 */

/**
 * A text cell a spreadsheet will not run: a value starting with = + - @, a tab or a carriage return is prefixed with
 * a single quote (OWASP CSV-injection guidance), so `=HYPERLINK(…)` as a class name stays text.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Quotes a CSV field when it holds a comma, a quote or a line break (RFC 4180), after neutralising formulas. */
function csvField(raw: string): string {
  const value = neutraliseFormula(raw);
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * `index,x,y,label,class` rows for n points (coordinates n × 2, row-major). `label` is the class index, `class` its
 * name (empty when unknown). Non-finite coordinates are written as empty fields.
 */
export function coordinatesCsv(coordinates: Float32Array, labels: Int32Array, classNames: readonly string[]): string {
  const n = Math.floor(coordinates.length / 2);
  const lines = ['index,x,y,label,class'];
  const num = (v: number) => (Number.isFinite(v) ? String(v) : '');
  for (let i = 0; i < n; i++) {
    const label = labels[i] ?? 0;
    lines.push(
      [
        String(i),
        num(coordinates[2 * i]),
        num(coordinates[2 * i + 1]),
        String(label),
        csvField(classNames[label] ?? ''),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
