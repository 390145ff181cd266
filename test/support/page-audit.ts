// Checks the browser suite runs inside the demo page (page.evaluate(audit)): layout at the
// viewport's width, chart text size, contrast, labels, captions and text alternatives.
// Self-contained (no outer references), so that it serialises into the page on its own.

export interface AuditResult {
  viewport: number;
  /** document width beyond the viewport (0: nothing overflows) */
  overflowPx: number;
  /** elements whose right edge passes the viewport, outside a scroll box */
  overflowing: string[];
  /** SVG chart text drawn below 11 px on screen */
  smallChartText: string[];
  smallestChartTextPx: number;
  /** text with contrast below 4.5:1 against its background */
  lowContrast: string[];
  /** form controls without an accessible name */
  unlabelled: string[];
  /** tables without a non-empty <caption> */
  uncaptioned: number;
  tables: number;
  /** tables not inside a horizontally scrolling box */
  unboxedTables: number;
  /** charts without role=img and a title + description */
  charts: { title: string; desc: string }[];
  chartsWithoutText: number;
}

export function audit(): AuditResult {
  const vw = document.documentElement.clientWidth;
  const rgb = (c: string): [number, number, number, number] => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return [0, 0, 0, 1];
    const p = m[1]!.split(/[\s,/]+/).filter(Boolean).map(Number);
    return [p[0]!, p[1]!, p[2]!, p.length > 3 ? p[3]! : 1];
  };
  const lum = ([r, g, b]: number[]) => {
    const f = (v: number) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
  };
  const ratio = (a: number[], b: number[]) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x! + 0.05) / (y! + 0.05); };
  const background = (el: Element | null): number[] => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  };
  const name = (e: Element) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ')[0]}` : ''} "${(e.textContent ?? '').trim().slice(0, 40)}"`;

  const overflowing: string[] = [];
  for (const e of Array.from(document.body.querySelectorAll('*'))) {
    if (e.closest('.scroll') || e.closest('.visually-hidden')) continue;
    const r = e.getBoundingClientRect();
    if (r.width && r.right > vw + 0.5) overflowing.push(`${name(e)} (right ${r.right.toFixed(0)} px)`);
  }

  let smallest = Infinity;
  const smallChartText: string[] = [];
  for (const t of Array.from(document.querySelectorAll('svg.chart text'))) {
    const svg = (t as SVGTextElement).ownerSVGElement!;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const px = parseFloat(getComputedStyle(t).fontSize) * scale;
    smallest = Math.min(smallest, px);
    if (px < 11) smallChartText.push(`${t.textContent} (${px.toFixed(1)} px)`);
  }

  const lowContrast: string[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !(n.textContent ?? '').trim() || el.closest('.visually-hidden, noscript, title, desc, style')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const inSvg = el instanceof SVGElement;
    const fg = rgb(inSvg ? getComputedStyle(el).fill : getComputedStyle(el).color);
    const bg = inSvg ? [255, 255, 255, 1] : background(el);
    const k = ratio(fg, bg);
    if (k < 4.5) lowContrast.push(`${name(el)}: ${k.toFixed(2)}:1`);
  }

  const unlabelled: string[] = [];
  for (const c of Array.from(document.querySelectorAll('input, select, textarea, button'))) {
    const e = c as HTMLInputElement;
    const ok = (e.labels && e.labels.length > 0) || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || (e.tagName === 'BUTTON' && (e.textContent ?? '').trim());
    if (!ok) unlabelled.push(name(e));
  }

  const tables = Array.from(document.querySelectorAll('table'));
  const charts = Array.from(document.querySelectorAll('svg.chart')).map((s) => {
    const ids = (s.getAttribute('aria-labelledby') ?? '').split(/\s+/);
    const text = (i: number) => (ids[i] ? document.getElementById(ids[i]!)?.textContent ?? '' : '');
    return { title: s.getAttribute('role') === 'img' ? text(0) : '', desc: text(1) };
  });
  return {
    viewport: vw,
    overflowPx: Math.max(0, document.documentElement.scrollWidth - vw),
    overflowing: overflowing.slice(0, 20),
    smallChartText: smallChartText.slice(0, 20),
    smallestChartTextPx: smallest,
    lowContrast: lowContrast.slice(0, 20),
    unlabelled,
    uncaptioned: tables.filter((t) => !(t.caption?.textContent ?? '').trim()).length,
    tables: tables.length,
    unboxedTables: tables.filter((t) => !t.closest('.scroll')).length,
    charts,
    chartsWithoutText: charts.filter((c) => !c.title || c.desc.length < 40).length,
  };
}
