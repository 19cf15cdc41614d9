import type { AgreementResult, CoefficientName } from '../agreement/report.js';
import type { Matrix } from '../matrix/matrix.js';
import type { SaturationStep } from '../matrix/saturation.js';
import type { ThemeTrajectory } from '../matrix/trajectories.js';
import type { StudySummary } from '../summary/summary.js';
import { fitText, grey, legend, line, n, rect, svg, text, textWidth, type FigureOptions } from './svg.js';

/**
 * The figures, each a pure function from computed results (the same as the tables'; nothing is
 * counted twice) to SVG text.
 */

/** Participants x waves: a filled square where the participant was interviewed; n and losses per wave. */
export function participationFigure(s: StudySummary, o: FigureOptions): string {
  const fs = o.fontSize;
  const left = Math.max(...s.participants.map((p) => textWidth(p.id, fs)), textWidth('participant', fs)) + 12;
  const top = fs * 3.2;
  const cols = s.waves.length;
  const colW = Math.max(fs * 5, ...s.waves.map((w) => textWidth(w.label, fs) + 8));
  const rowH = fs * 1.4;
  const width = Math.max(o.width, left + cols * colW + 10);
  const height = o.height ?? top + s.participants.length * rowH + fs * 4.5;
  const body: string[] = [text(8, fs * 1.3, o.title ?? 'Participation by wave', { size: fs * 1.2, weight: 'bold' })];
  s.waves.forEach((w, j) => body.push(text(left + j * colW + colW / 2, top - fs * 0.6, w.label, { size: fs, anchor: 'middle' })));
  s.participants.forEach((p, i) => {
    const y = top + i * rowH;
    body.push(text(left - 8, y + rowH / 2, p.id, { size: fs, anchor: 'end', baseline: 'middle' }));
    s.waves.forEach((w, j) => {
      const x = left + j * colW + colW / 2 - rowH * 0.35;
      const on = p.waves.includes(w.id);
      body.push(rect(x, y + rowH * 0.15, rowH * 0.7, rowH * 0.7, on ? 'fill="#000"' : 'fill="#fff" stroke="#000" stroke-width="1"'));
    });
    // Join consecutive interviews of the same person.
    for (let j = 1; j < cols; j++) {
      if (p.waves.includes(s.waves[j - 1]!.id) && p.waves.includes(s.waves[j]!.id)) body.push(line(left + (j - 1) * colW + colW / 2 + rowH * 0.35, y + rowH / 2, left + j * colW + colW / 2 - rowH * 0.35, y + rowH / 2, 'stroke="#000" stroke-width="1"'));
    }
  });
  const base = top + s.participants.length * rowH + fs * 1.4;
  s.waves.forEach((w, j) => body.push(text(left + j * colW + colW / 2, base, `n = ${w.participants}`, { size: fs, anchor: 'middle', weight: 'bold' })));
  s.attrition.forEach((t, j) => {
    if (t.lost || t.joined) body.push(text(left + (j + 1) * colW, base + fs * 1.4, `${t.lost ? `−${t.lost}` : ''}${t.lost && t.joined ? ' ' : ''}${t.joined ? `+${t.joined}` : ''}`, { size: fs, anchor: 'middle' }));
  });
  return svg(width, height, o.title ?? 'Participation by wave', body);
}

/** Themes x waves: shade = percent of the interviewed, text = n/N. */
export function heatmapFigure(m: Matrix, o: FigureOptions): string {
  const fs = o.fontSize;
  const labels = m.rows.map((r) => `${'  '.repeat(r.depth)}${r.label}`);
  const left = Math.min(Math.max(...labels.map((l) => textWidth(l, fs))) + 14, o.width * 0.5);
  const top = fs * 4;
  const colW = Math.max(fs * 4.6, (o.width - left - 10) / Math.max(1, m.columns.length));
  const rowH = fs * 1.9;
  const width = Math.max(o.width, left + colW * m.columns.length + 10);
  const body: string[] = [text(8, fs * 1.3, o.title ?? 'Themes by wave (% of participants interviewed)', { size: fs * 1.2, weight: 'bold' })];
  m.columns.forEach((c, j) => {
    const x = left + j * colW + colW / 2;
    body.push(text(x, top - fs * 1.5, `${c.waveLabel}${c.group !== undefined ? ` · ${c.group}` : ''}`, { size: fs, anchor: 'middle' }));
    body.push(text(x, top - fs * 0.5, `n = ${c.interviewed}`, { size: fs * 0.9, anchor: 'middle' }));
  });
  m.rows.forEach((r, i) => {
    const y = top + i * rowH;
    const label = labels[i]!;
    const theme = r.depth === 0 && m.rows.some((x) => x.depth > 0);
    body.push(text(left - 8, y + rowH / 2, fitText(label, left - 12, fs, theme).trim(), { size: fs, anchor: 'end', baseline: 'middle', ...(theme ? { weight: 'bold' as const } : {}) }));
    m.cells[i]!.forEach((cell, j) => {
      if (!cell.codedFor) {
        // Not coded for (before the code's since:): no shade, a dashed outline, no count.
        body.push(rect(left + j * colW + 1, y + 1, colW - 2, rowH - 2, 'fill="#fff" stroke="#000" stroke-width="0.5" stroke-dasharray="2 2"'));
        body.push(text(left + j * colW + colW / 2, y + rowH / 2, 'n.c.', { size: fs * 0.9, anchor: 'middle', baseline: 'middle' }));
        return;
      }
      const share = (cell.percent ?? 0) / 100;
      body.push(rect(left + j * colW + 1, y + 1, colW - 2, rowH - 2, `fill="${grey(share)}" stroke="#000" stroke-width="0.5"`));
      body.push(text(left + j * colW + colW / 2, y + rowH / 2, `${cell.participants}/${m.columns[j]!.interviewed}`, { size: fs, anchor: 'middle', baseline: 'middle', fill: share > 0.55 ? '#fff' : '#000' }));
    });
  });
  // Legend: 0%, 50%, 100% (and what n.c. means, when a cell says it).
  const entries = [0, 0.5, 1].map((v) => ({ swatch: (x: number, y: number, b: number) => rect(x, y, b, b, `fill="${grey(v)}" stroke="#000" stroke-width="0.5"`), label: `${v * 100}%` }));
  if (m.cells.some((row) => row.some((c) => !c.codedFor))) entries.push({ swatch: (x, y, b) => rect(x, y, b, b, 'fill="#fff" stroke="#000" stroke-width="0.5" stroke-dasharray="2 2"'), label: 'n.c. = not coded for (before the code was in use)' });
  const key = legend(entries, left, top + rowH * m.rows.length + fs * 1.2, width - 8, fs);
  body.push(...key.body);
  const height = o.height ?? key.bottom + fs * 0.8;
  return svg(width, height, o.title ?? 'Themes by wave', body);
}

/** Per theme and transition: stacked bar of persisted (black), emerged (hatched), faded (dots), absent (white). */
export function trajectoriesFigure(list: ThemeTrajectory[], o: FigureOptions): string {
  const fs = o.fontSize;
  const mixed = list.some((t) => t.level === 'sub-code') && list.some((t) => t.level === 'theme');
  const rowsOut = list.flatMap((t) => t.transitions.map((x) => ({ theme: `${mixed && t.level === 'sub-code' ? '› ' : ''}${t.label}`, strong: mixed && t.level === 'theme', x })));
  const labels = rowsOut.map((r) => `${r.theme}: ${r.x.from} → ${r.x.to}`);
  const left = Math.min(Math.max(...labels.map((l) => textWidth(l, fs)), 40) + 12, o.width * 0.55);
  const top = fs * 2.6;
  const barW = Math.max(fs * 10, o.width - left - 20);
  const rowH = fs * 1.7;
  const kinds: Array<['persisted' | 'emerged' | 'faded' | 'absent', string]> = [
    ['persisted', 'fill="#000"'],
    ['emerged', 'fill="url(#qw-hatch)" stroke="#000" stroke-width="0.5"'],
    ['faded', 'fill="url(#qw-dots)" stroke="#000" stroke-width="0.5"'],
    ['absent', 'fill="#fff" stroke="#000" stroke-width="0.5"'],
  ];
  const body: string[] = [text(8, fs * 1.3, o.title ?? 'Trajectories between waves (participants interviewed at both)', { size: fs * 1.2, weight: 'bold' })];
  rowsOut.forEach((r, i) => {
    const y = top + i * rowH;
    const label = labels[i]!;
    body.push(text(left - 8, y + rowH / 2, fitText(label, left - 12, fs, r.strong), { size: fs, anchor: 'end', baseline: 'middle', ...(r.strong ? { weight: 'bold' as const } : {}) }));
    if (!r.x.codedFor) {
      body.push(text(left + 4, y + rowH / 2, 'not coded for (before the code was in use)', { size: fs * 0.9, baseline: 'middle' }));
      return;
    }
    let x = left;
    for (const [kind, style] of kinds) {
      const w = r.x.both > 0 ? (barW * r.x[kind].length) / r.x.both : 0;
      if (w > 0) body.push(rect(x, y + rowH * 0.15, w, rowH * 0.7, style));
      x += w;
    }
    body.push(text(left + barW + 4, y + rowH / 2, `n=${r.x.both}`, { size: fs * 0.9, baseline: 'middle' }));
  });
  const figureWidth = Math.max(o.width, left + barW + fs * 4);
  const key = legend(
    kinds.map(([kind, style]) => ({ swatch: (x: number, y: number, b: number) => rect(x, y, b, b, style), label: kind })),
    left,
    top + rowH * rowsOut.length + fs,
    figureWidth - 8,
    fs,
  );
  body.push(...key.body);
  const height = o.height ?? key.bottom + fs * 0.8;
  return svg(figureWidth, height, o.title ?? 'Trajectories', body);
}

/**
 * Cumulative codes by interview (line) and new codes per interview (bars). Interviews are bands
 * of the x axis, each bar and line point at its band's centre: the first bar stands clear of the
 * y axis and the last inside the plot, however few the interviews. The legend is above the plot.
 */
export function saturationFigure(steps: SaturationStep[], o: FigureOptions): string {
  const fs = o.fontSize;
  const small = fs * 0.9;
  const width = o.width;
  const height = o.height ?? Math.round(o.width * 0.55);
  const max = Math.max(1, ...steps.map((s) => s.cumulative));
  const ticksY = [...new Set([0, Math.round(max / 2), max])];
  const left = Math.max(...ticksY.map((v) => textWidth(String(v), small))) + 12;
  const right = 12;
  const top = fs * 4.4;
  const bottom = fs * 3.4;
  const w = width - left - right;
  const h = height - top - bottom;
  const band = w / Math.max(1, steps.length);
  const x = (i: number) => left + band * (i + 0.5);
  const y = (v: number) => top + h - (h * v) / max;
  const body: string[] = [text(8, fs * 1.4, o.title ?? 'Saturation: codes by interview', { size: fs * 1.2, weight: 'bold' })];
  // Legend between the title and the plot: a line and a bar swatch.
  const ly = fs * 3;
  body.push(line(left, ly, left + fs * 1.6, ly, 'stroke="#000" stroke-width="1.5"'), text(left + fs * 2, ly, `cumulative codes (${max})`, { size: small, baseline: 'middle' }));
  const lx = left + fs * 2 + textWidth(`cumulative codes (${max})`, small) + fs * 1.5;
  body.push(rect(lx, ly - fs * 0.45, fs * 0.9, fs * 0.9, 'fill="url(#qw-hatch)" stroke="#000" stroke-width="0.5"'), text(lx + fs * 1.3, ly, 'new codes in the interview', { size: small, baseline: 'middle' }));
  body.push(line(left, top + h, left + w, top + h, 'stroke="#000"'), line(left, top, left, top + h, 'stroke="#000"'));
  for (const v of ticksY) body.push(line(left - 3, y(v), left, y(v), 'stroke="#000"'), text(left - 5, y(v), String(v), { size: small, anchor: 'end', baseline: 'middle' }));
  const bw = Math.max(1, band * 0.6);
  steps.forEach((s, i) => {
    if (s.newCodes.length > 0) body.push(rect(x(i) - bw / 2, y(s.newCodes.length), bw, top + h - y(s.newCodes.length), 'fill="url(#qw-hatch)" stroke="#000" stroke-width="0.5"'));
  });
  if (steps.length > 0) body.push(`<polyline fill="none" stroke="#000" stroke-width="1.5" points="${steps.map((s, i) => `${n(x(i))},${n(y(s.cumulative))}`).join(' ')}"/>`);
  // Tick labels no closer than their own width: every interview when they fit, else a round step.
  const label = textWidth(String(steps.length), small) + fs;
  const every = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].find((k) => band * k >= label) ?? Math.ceil(label / band);
  const ticks = steps.map((_, i) => i).filter((i) => i === 0 || ((i + 1) % every === 0 && i >= every));
  for (const i of ticks) body.push(line(x(i), top + h, x(i), top + h + 3, 'stroke="#000"'), text(x(i), top + h + fs * 1.3, String(i + 1), { size: small, anchor: 'middle' }));
  body.push(text(left + w / 2, height - fs * 0.6, 'interview (in order)', { size: small, anchor: 'middle' }));
  return svg(width, height, o.title ?? 'Saturation', body);
}

/** Forest plot: per code, a coefficient with its interval; reference lines at .667 and .800. */
export function agreementFigure(rows: Array<{ name: string; result: AgreementResult }>, coefficient: CoefficientName, o: FigureOptions): string {
  const fs = o.fontSize;
  const left = Math.min(Math.max(...rows.map((r) => textWidth(r.name, fs)), 40) + 12, o.width * 0.45);
  const top = fs * 3;
  const rowH = fs * 1.5;
  const w = Math.max(fs * 10, o.width - left - fs * 4);
  const height = o.height ?? top + rowH * rows.length + fs * 2.6;
  const lowest = Math.min(0, ...rows.map((r) => r.result.coefficients[coefficient]?.ciLow ?? 0));
  const lo = lowest < 0 ? Math.floor(lowest * 10) / 10 : 0;
  const x = (v: number) => left + (w * (v - lo)) / (1 - lo);
  const names: Record<string, string> = {
    krippendorffAlpha: "Krippendorff's α",
    cohenKappa: "Cohen's κ",
    fleissKappa: "Fleiss' κ",
    gwetAC1: "Gwet's AC1",
    brennanPrediger: 'Brennan–Prediger',
    percentAgreement: 'percent agreement',
    scottPi: "Scott's π",
    pairwiseAgreement: 'pairwise agreement',
    weightedKappa: 'weighted κ',
  };
  const body: string[] = [text(8, fs * 1.3, o.title ?? `Agreement: ${names[coefficient] ?? coefficient} with 95% interval`, { size: fs * 1.2, weight: 'bold' })];
  const axis = top + rowH * rows.length;
  for (const ref of [0.667, 0.8]) body.push(line(x(ref), top - fs * 0.4, x(ref), axis, 'stroke="#000" stroke-dasharray="4 3" stroke-width="0.8"'), text(x(ref), top - fs * 0.6, ref.toFixed(3).replace(/0+$/, ''), { size: fs * 0.9, anchor: 'middle' }));
  body.push(line(x(lo), axis, x(1), axis, 'stroke="#000"'));
  for (const v of [lo, (lo + 1) / 2, 1]) body.push(text(x(v), axis + fs * 1.1, v.toFixed(1), { size: fs * 0.9, anchor: 'middle' }));
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    const e = r.result.coefficients[coefficient];
    body.push(text(left - 8, y, r.name, { size: fs, anchor: 'end', baseline: 'middle', ...(r.name === 'pooled' ? { weight: 'bold' as const } : {}) }));
    if (!e || e.value === null) {
      body.push(text(left + 4, y, 'undefined', { size: fs * 0.9, baseline: 'middle', fill: '#555' }));
      return;
    }
    if (e.ciLow !== null && e.ciHigh !== null) body.push(line(x(e.ciLow), y, x(e.ciHigh), y, 'stroke="#000" stroke-width="1.2"'));
    body.push(r.name === 'pooled' ? `<polygon points="${n(x(e.value))},${n(y - fs * 0.45)} ${n(x(e.value) + fs * 0.45)},${n(y)} ${n(x(e.value))},${n(y + fs * 0.45)} ${n(x(e.value) - fs * 0.45)},${n(y)}" fill="#000"/>` : rect(x(e.value) - fs * 0.3, y - fs * 0.3, fs * 0.6, fs * 0.6, 'fill="#000"'));
  });
  return svg(Math.max(o.width, left + w + fs * 2), height, o.title ?? 'Agreement', body);
}
