import type { AgreementResult, CoefficientName } from '../agreement/report.js';
import type { Matrix } from '../matrix/matrix.js';
import type { SaturationStep } from '../matrix/saturation.js';
import type { ThemeTrajectory } from '../matrix/trajectories.js';
import type { StudySummary } from '../summary/summary.js';
import { grey, line, n, rect, svg, text, textWidth, type FigureOptions } from './svg.js';

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
  const colW = Math.max(fs * 5, ...s.waves.map((w) => textWidth(w.label, fs * 0.9) + 8));
  const rowH = fs * 1.4;
  const width = Math.max(o.width, left + cols * colW + 10);
  const height = o.height ?? top + s.participants.length * rowH + fs * 4.5;
  const body: string[] = [text(8, fs * 1.3, o.title ?? 'Participation by wave', { size: fs * 1.1, weight: 'bold' })];
  s.waves.forEach((w, j) => body.push(text(left + j * colW + colW / 2, top - fs * 0.6, w.label, { size: fs * 0.9, anchor: 'middle' })));
  s.participants.forEach((p, i) => {
    const y = top + i * rowH;
    body.push(text(left - 8, y + rowH / 2, p.id, { size: fs * 0.9, anchor: 'end', baseline: 'middle' }));
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
    if (t.lost || t.joined) body.push(text(left + (j + 1) * colW, base + fs * 1.4, `${t.lost ? `−${t.lost}` : ''}${t.lost && t.joined ? ' ' : ''}${t.joined ? `+${t.joined}` : ''}`, { size: fs * 0.85, anchor: 'middle' }));
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
  const height = o.height ?? top + rowH * m.rows.length + fs * 3.2;
  const body: string[] = [text(8, fs * 1.3, o.title ?? 'Themes by wave (% of participants interviewed)', { size: fs * 1.1, weight: 'bold' })];
  m.columns.forEach((c, j) => {
    const x = left + j * colW + colW / 2;
    body.push(text(x, top - fs * 1.5, `${c.waveLabel}${c.group !== undefined ? ` · ${c.group}` : ''}`, { size: fs * 0.85, anchor: 'middle' }));
    body.push(text(x, top - fs * 0.5, `n = ${c.interviewed}`, { size: fs * 0.8, anchor: 'middle' }));
  });
  m.rows.forEach((r, i) => {
    const y = top + i * rowH;
    const label = labels[i]!;
    const theme = r.depth === 0 && m.rows.some((x) => x.depth > 0);
    body.push(text(left - 8, y + rowH / 2, label.length * fs * 0.56 > left ? label.slice(0, Math.floor(left / (fs * 0.56)) - 1) + '…' : label.trim(), { size: fs * 0.9, anchor: 'end', baseline: 'middle', ...(theme ? { weight: 'bold' as const } : {}) }));
    m.cells[i]!.forEach((cell, j) => {
      if (!cell.codedFor) {
        // Not coded for (before the code's since:): no shade, a dashed outline, no count.
        body.push(rect(left + j * colW + 1, y + 1, colW - 2, rowH - 2, 'fill="#fff" stroke="#000" stroke-width="0.5" stroke-dasharray="2 2"'));
        body.push(text(left + j * colW + colW / 2, y + rowH / 2, 'n.c.', { size: fs * 0.8, anchor: 'middle', baseline: 'middle' }));
        return;
      }
      const share = (cell.percent ?? 0) / 100;
      body.push(rect(left + j * colW + 1, y + 1, colW - 2, rowH - 2, `fill="${grey(share)}" stroke="#000" stroke-width="0.5"`));
      body.push(text(left + j * colW + colW / 2, y + rowH / 2, `${cell.participants}/${m.columns[j]!.interviewed}`, { size: fs * 0.85, anchor: 'middle', baseline: 'middle', fill: share > 0.55 ? '#fff' : '#000' }));
    });
  });
  // Legend: 0%, 50%, 100%.
  const ly = top + rowH * m.rows.length + fs * 1.2;
  [0, 0.5, 1].forEach((v, k) => {
    body.push(rect(left + k * fs * 5, ly, fs * 1.2, fs * 1.2, `fill="${grey(v)}" stroke="#000" stroke-width="0.5"`));
    body.push(text(left + k * fs * 5 + fs * 1.6, ly + fs * 0.6, `${v * 100}%`, { size: fs * 0.8, baseline: 'middle' }));
  });
  if (m.cells.some((row) => row.some((c) => !c.codedFor))) body.push(text(left + 3 * fs * 5, ly + fs * 0.6, 'n.c. = not coded for (before the code was in use)', { size: fs * 0.8, baseline: 'middle' }));
  return svg(width, height, o.title ?? 'Themes by wave', body);
}

/** Per theme and transition: stacked bar of persisted (black), emerged (hatched), faded (dots), absent (white). */
export function trajectoriesFigure(list: ThemeTrajectory[], o: FigureOptions): string {
  const fs = o.fontSize;
  const mixed = list.some((t) => t.level === 'sub-code') && list.some((t) => t.level === 'theme');
  const rowsOut = list.flatMap((t) => t.transitions.map((x) => ({ theme: `${mixed && t.level === 'sub-code' ? '› ' : ''}${t.label}`, strong: mixed && t.level === 'theme', x })));
  const labels = rowsOut.map((r) => `${r.theme}: ${r.x.from} → ${r.x.to}`);
  const left = Math.min(Math.max(...labels.map((l) => textWidth(l, fs * 0.85)), 40) + 12, o.width * 0.55);
  const top = fs * 2.6;
  const barW = Math.max(fs * 10, o.width - left - 20);
  const rowH = fs * 1.7;
  const height = o.height ?? top + rowH * rowsOut.length + fs * 3;
  const kinds: Array<['persisted' | 'emerged' | 'faded' | 'absent', string]> = [
    ['persisted', 'fill="#000"'],
    ['emerged', 'fill="url(#qw-hatch)" stroke="#000" stroke-width="0.5"'],
    ['faded', 'fill="url(#qw-dots)" stroke="#000" stroke-width="0.5"'],
    ['absent', 'fill="#fff" stroke="#000" stroke-width="0.5"'],
  ];
  const body: string[] = [text(8, fs * 1.3, o.title ?? 'Trajectories between waves (participants interviewed at both)', { size: fs * 1.1, weight: 'bold' })];
  rowsOut.forEach((r, i) => {
    const y = top + i * rowH;
    const label = labels[i]!;
    body.push(text(left - 8, y + rowH / 2, label.length * fs * 0.85 * 0.56 > left ? label.slice(0, Math.floor(left / (fs * 0.85 * 0.56)) - 1) + '…' : label, { size: fs * 0.85, anchor: 'end', baseline: 'middle', ...(r.strong ? { weight: 'bold' as const } : {}) }));
    if (!r.x.codedFor) {
      body.push(text(left + 4, y + rowH / 2, 'not coded for (before the code was in use)', { size: fs * 0.75, baseline: 'middle' }));
      return;
    }
    let x = left;
    for (const [kind, style] of kinds) {
      const w = r.x.both > 0 ? (barW * r.x[kind].length) / r.x.both : 0;
      if (w > 0) body.push(rect(x, y + rowH * 0.15, w, rowH * 0.7, style));
      x += w;
    }
    body.push(text(left + barW + 4, y + rowH / 2, `n=${r.x.both}`, { size: fs * 0.75, baseline: 'middle' }));
  });
  const ly = top + rowH * rowsOut.length + fs;
  kinds.forEach(([kind, style], k) => {
    const x = left + k * fs * 7;
    body.push(rect(x, ly, fs * 1.2, fs * 1.2, style));
    body.push(text(x + fs * 1.6, ly + fs * 0.6, kind, { size: fs * 0.8, baseline: 'middle' }));
  });
  return svg(Math.max(o.width, left + barW + fs * 4), height, o.title ?? 'Trajectories', body);
}

/** Cumulative codes by interview (line) and new codes per interview (bars). */
export function saturationFigure(steps: SaturationStep[], o: FigureOptions): string {
  const fs = o.fontSize;
  const width = o.width;
  const height = o.height ?? Math.round(o.width * 0.55);
  const left = fs * 3.2;
  const right = 12;
  const top = fs * 2.6;
  const bottom = fs * 3.2;
  const w = width - left - right;
  const h = height - top - bottom;
  const max = Math.max(1, ...steps.map((s) => s.cumulative));
  const x = (i: number) => left + (steps.length > 1 ? (w * i) / (steps.length - 1) : w / 2);
  const y = (v: number) => top + h - (h * v) / max;
  const body: string[] = [text(8, fs * 1.3, o.title ?? 'Saturation: codes by interview', { size: fs * 1.1, weight: 'bold' })];
  body.push(line(left, top + h, left + w, top + h, 'stroke="#000"'), line(left, top, left, top + h, 'stroke="#000"'));
  for (const v of [0, Math.round(max / 2), max]) body.push(text(left - 4, y(v), String(v), { size: fs * 0.75, anchor: 'end', baseline: 'middle' }));
  const bw = Math.max(1, (w / Math.max(1, steps.length)) * 0.6);
  steps.forEach((s, i) => {
    if (s.newCodes.length > 0) body.push(rect(x(i) - bw / 2, y(s.newCodes.length), bw, top + h - y(s.newCodes.length), 'fill="url(#qw-hatch)" stroke="#000" stroke-width="0.5"'));
  });
  body.push(`<polyline fill="none" stroke="#000" stroke-width="1.5" points="${steps.map((s, i) => `${n(x(i))},${n(y(s.cumulative))}`).join(' ')}"/>`);
  const ticks = steps.length <= 12 ? steps.map((_, i) => i) : [0, Math.floor((steps.length - 1) / 2), steps.length - 1];
  for (const i of ticks) body.push(text(x(i), top + h + fs * 1.1, String(i + 1), { size: fs * 0.75, anchor: 'middle' }));
  body.push(text(left + w / 2, height - fs * 0.6, 'interview (in order)', { size: fs * 0.8, anchor: 'middle' }));
  body.push(text(left + 6, top + fs * 0.8, `line: cumulative codes (${max}); bars: new codes`, { size: fs * 0.75 }));
  return svg(width, height, o.title ?? 'Saturation', body);
}

/** Forest plot: per code, a coefficient with its interval; reference lines at .667 and .800. */
export function agreementFigure(rows: Array<{ name: string; result: AgreementResult }>, coefficient: CoefficientName, o: FigureOptions): string {
  const fs = o.fontSize;
  const left = Math.min(Math.max(...rows.map((r) => textWidth(r.name, fs * 0.85)), 40) + 12, o.width * 0.45);
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
  const body: string[] = [text(8, fs * 1.3, o.title ?? `Agreement: ${names[coefficient] ?? coefficient} with 95% interval`, { size: fs * 1.1, weight: 'bold' })];
  const axis = top + rowH * rows.length;
  for (const ref of [0.667, 0.8]) body.push(line(x(ref), top - fs * 0.4, x(ref), axis, 'stroke="#000" stroke-dasharray="4 3" stroke-width="0.8"'), text(x(ref), top - fs * 0.6, ref.toFixed(3).replace(/0+$/, ''), { size: fs * 0.7, anchor: 'middle' }));
  body.push(line(x(lo), axis, x(1), axis, 'stroke="#000"'));
  for (const v of [lo, (lo + 1) / 2, 1]) body.push(text(x(v), axis + fs * 1.1, v.toFixed(1), { size: fs * 0.75, anchor: 'middle' }));
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    const e = r.result.coefficients[coefficient];
    body.push(text(left - 8, y, r.name, { size: fs * 0.85, anchor: 'end', baseline: 'middle', ...(r.name === 'pooled' ? { weight: 'bold' as const } : {}) }));
    if (!e || e.value === null) {
      body.push(text(left + 4, y, 'undefined', { size: fs * 0.75, baseline: 'middle', fill: '#555' }));
      return;
    }
    if (e.ciLow !== null && e.ciHigh !== null) body.push(line(x(e.ciLow), y, x(e.ciHigh), y, 'stroke="#000" stroke-width="1.2"'));
    body.push(r.name === 'pooled' ? `<polygon points="${n(x(e.value))},${n(y - fs * 0.45)} ${n(x(e.value) + fs * 0.45)},${n(y)} ${n(x(e.value))},${n(y + fs * 0.45)} ${n(x(e.value) - fs * 0.45)},${n(y)}" fill="#000"/>` : rect(x(e.value) - fs * 0.3, y - fs * 0.3, fs * 0.6, fs * 0.6, 'fill="#000"'));
  });
  return svg(Math.max(o.width, left + w + fs * 2), height, o.title ?? 'Agreement', body);
}
