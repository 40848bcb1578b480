/**
 * The page probe the gate adds to the top of every HTML page it serves to Firefox and WebKit, so both engines are
 * watched and driven the same way whatever their automation protocol offers:
 *
 * - problems: `console.error` calls, uncaught errors and unhandled rejections of the page (WebDriver classic has no
 *   console; Firefox's BiDi console events add the workers' errors on top);
 * - downloads: each `<a download>` click on a blob URL is let through (the engine downloads as usual) and its bytes
 *   are read back, so a test can check the file and upload it again; once they are, the probe fires `e2e:change`
 *   on the window, so a wait for a download is woken by the event (its other records are DOM changes already);
 * - `find(query)`: elements by ARIA role and accessible name, or by label, as the Chromium suite finds them through
 *   playwright (never by CSS class).
 *
 * A plain script string: it runs before the app, in the page, in every engine.
 */
export const PROBE_SCRIPT = String.raw`(() => {
  const probe = { problems: [], downloads: [] };
  window.__e2e = probe;
  const show = (v) => (v instanceof Error ? v.message : typeof v === 'string' ? v : (() => { try { return JSON.stringify(v); } catch { return String(v); } })());
  const originalError = console.error.bind(console);
  console.error = (...args) => { probe.problems.push('console error: ' + args.map(show).join(' ')); originalError(...args); };
  window.addEventListener('error', (e) => probe.problems.push('uncaught error: ' + (e.error ? show(e.error) : e.message)));
  window.addEventListener('unhandledrejection', (e) => probe.problems.push('unhandled rejection: ' + show(e.reason)));

  // Downloads are read from the Blob behind their blob: URL, not fetched: the app's Content-Security-Policy
  // (connect-src 'self') refuses a fetch of a blob: URL, and the app itself never makes one.
  const blobs = new Map();
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = function (object) {
    const url = createObjectURL.call(URL, object);
    if (object instanceof Blob) blobs.set(url, object);
    return url;
  };
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function () {
    const blob = this.download ? blobs.get(this.href) : undefined;
    if (blob) {
      const entry = { name: this.download, base64: null };
      probe.downloads.push(entry);
      blob.arrayBuffer().then((buffer) => {
        const bytes = new Uint8Array(buffer);
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        entry.base64 = btoa(binary);
        window.dispatchEvent(new Event('e2e:change'));
      });
    }
    return click.call(this);
  };

  const implicitRole = (el) => {
    const tag = el.tagName;
    if (tag === 'BUTTON') return 'button';
    if (tag === 'INPUT') {
      const type = (el.getAttribute('type') || 'text').toLowerCase();
      if (type === 'button' || type === 'submit') return 'button';
      if (type === 'checkbox') return 'checkbox';
      if (type === 'range') return 'slider';
      if (type === 'number') return 'spinbutton';
      return type === 'file' ? null : 'textbox';
    }
    if (tag === 'SELECT') return 'combobox';
    if (tag === 'TEXTAREA') return 'textbox';
    if (tag === 'A' && el.hasAttribute('href')) return 'link';
    if (tag === 'LI') return 'listitem';
    if (tag === 'UL' || tag === 'OL') return 'list';
    if (tag === 'SECTION' && (el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby'))) return 'region';
    if (tag === 'NAV') return 'navigation';
    if (tag === 'ASIDE') return 'complementary';
    return null;
  };
  const ownText = (label) => {
    let text = '';
    for (const node of label.childNodes) {
      if (node.nodeType === 3) text += node.textContent;
      else if (node.nodeType === 1 && !['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(node.tagName)) text += ownText(node);
    }
    return text;
  };
  const nameOf = (el) => {
    const aria = el.getAttribute('aria-label');
    if (aria) return aria.trim();
    const by = el.getAttribute('aria-labelledby');
    if (by) return by.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim();
    // Labelable controls take their <label>'s own text (a text node inside a label names nothing).
    if (el.labels && el.labels.length) return ownText(el.labels[0]).replace(/\s+/g, ' ').trim();
    if (['BUTTON', 'A', 'LI', 'SUMMARY'].includes(el.tagName)) return el.textContent.replace(/\s+/g, ' ').trim();
    return '';
  };
  const visible = (el) => el.getClientRects().length > 0 || (el.tagName === 'INPUT' && el.type === 'file');
  const matches = (el, query) => {
    if (query.role !== undefined && (el.getAttribute('role') || implicitRole(el)) !== query.role) return false;
    if (query.name !== undefined) {
      const name = nameOf(el);
      if (typeof query.name === 'string' ? name !== query.name : !new RegExp(query.name.source, query.name.flags).test(name)) return false;
    }
    return visible(el);
  };
  /** query: { role?, name?: string | {source, flags}, within?: query }; every match, in document order. */
  probe.findAll = (query) => {
    const scopes = query.within ? probe.findAll(query.within) : [document];
    const found = [];
    for (const scope of scopes) for (const el of scope.querySelectorAll('*')) if (matches(el, query)) found.push(el);
    return found;
  };
  /** Scrolls el to the middle of the view and resolves once its box has kept still over three painted frames (live
   * panels above it grow while a run trains; a click aimed at a moving box would land on its neighbour). Checked
   * once per animation frame, the rate at which layout can change on screen, and after 120 frames it is taken as it
   * is (a box that never rests, such as one beside a live chart, must still be clickable). */
  probe.settle = (el) => new Promise((resolve) => {
    el.scrollIntoView({ block: 'center', inline: 'center' });
    let last = '';
    let still = 0;
    let frames = 0;
    const check = () => {
      const r = el.getBoundingClientRect();
      const now = [r.x, r.y, r.width, r.height].join(',');
      still = now === last ? still + 1 : 0;
      last = now;
      if (still >= 3 || ++frames > 120) resolve(el);
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  probe.find = (query) => {
    const all = probe.findAll(query);
    if (all.length !== 1) throw new Error('expected one element for ' + JSON.stringify(query) + ', found ' + all.length);
    return all[0];
  };
})();`;
