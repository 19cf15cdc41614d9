import type { Study } from '../study/types.js';
import { line, n, rect, svg, text, textWidth, type FigureOptions } from './svg.js';

/**
 * The interview timeline (a time-ordered display, Miles, Huberman & Saldaña): one row per
 * participant, each interview drawn at its date (front matter `date:`) with a shape for its wave,
 * consecutive interviews joined (dashed across a wave the participant missed), each wave's span
 * of dates shaded behind, and drop-outs labelled "lost after WAVE". Undated interviews cannot be
 * placed in time: they are listed under the figure, not drawn.
 */
export interface TimelineData {
  waves: Array<{ id: string; label: string }>;
  participants: Array<{ id: string; interviews: Array<{ wave: number; date: string | null }>; lostAfter: string | null }>;
  undated: string[];
  dated: number;
}

export function timelineData(study: Pick<Study, 'config' | 'participants' | 'documents'>, opts: { waves?: readonly string[] } = {}): TimelineData {
  const waves = study.config.waves.filter((w) => !opts.waves?.length || opts.waves.includes(w.id));
  const index = new Map(waves.map((w, i) => [w.id, i]));
  const undated: string[] = [];
  let dated = 0;
  // Each participant's transcripts at the waves shown, in study order (one pass over the transcripts).
  const docsOf = new Map<string, Study['documents']>();
  for (const d of study.documents) {
    if (!index.has(d.wave)) continue;
    let list = docsOf.get(d.participant);
    if (!list) docsOf.set(d.participant, (list = []));
    list.push(d);
  }
  const participants = study.participants
    .map((p) => {
      const interviews = (docsOf.get(p.id) ?? []).map((d) => ({ wave: index.get(d.wave)!, date: d.date ?? null })).sort((a, b) => a.wave - b.wave);
      for (const i of interviews) {
        if (i.date === null) undated.push(`${p.id} ${waves[i.wave]!.id}`);
        else dated++;
      }
      const last = interviews[interviews.length - 1]?.wave;
      return { id: p.id, interviews, lostAfter: last !== undefined && last < waves.length - 1 ? waves[last]!.id : null };
    })
    .filter((p) => p.interviews.length > 0);
  return { waves: waves.map((w) => ({ id: w.id, label: w.label })), participants, undated, dated };
}

/** Days since 1970-01-01 of a YYYY-MM-DD date (UTC: the same in every time zone). */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

const SHAPES = ['circle', 'square', 'triangle', 'diamond'] as const;

/** A marker for wave `w`: filled shapes for the first four waves, then the same shapes open. */
function marker(w: number, x: number, y: number, r: number): string {
  const shape = SHAPES[w % SHAPES.length]!;
  const style = w < SHAPES.length ? 'fill="#000"' : 'fill="#fff" stroke="#000" stroke-width="1"';
  switch (shape) {
    case 'circle':
      return `<circle cx="${n(x)}" cy="${n(y)}" r="${n(r)}" ${style}/>`;
    case 'square':
      return rect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8, style);
    case 'triangle':
      return `<polygon points="${n(x)},${n(y - r * 1.1)} ${n(x + r * 1.05)},${n(y + r * 0.8)} ${n(x - r * 1.05)},${n(y + r * 0.8)}" ${style}/>`;
    case 'diamond':
      return `<polygon points="${n(x)},${n(y - r * 1.2)} ${n(x + r * 1.1)},${n(y)} ${n(x)},${n(y + r * 1.2)} ${n(x - r * 1.1)},${n(y)}" ${style}/>`;
  }
}

export function timelineFigure(t: TimelineData, o: FigureOptions): string {
  const fs = o.fontSize;
  const title = o.title ?? 'Interviews over time';
  const days = t.participants.flatMap((p) => p.interviews.flatMap((i) => (i.date ? [dayNumber(i.date)] : [])));
  const left = Math.max(textWidth('participant', fs), ...t.participants.map((p) => textWidth(p.id, fs))) + 14;
  const right = Math.max(...t.participants.map((p) => (p.lostAfter ? textWidth(`lost after ${p.lostAfter}`, fs * 0.9) : 0)), 0) + 16;
  const top = fs * 4.2;
  const rowH = fs * 1.5;
  const plotW = Math.max(fs * 12, o.width - left - right);
  const lo = days.length ? Math.min(...days) : 0;
  const hi = days.length ? Math.max(...days) : 1;
  const pad = Math.max(7, (hi - lo) * 0.04);
  const x = (d: number): number => left + ((d - (lo - pad)) / (hi - lo + 2 * pad)) * plotW;
  const plotBottom = top + t.participants.length * rowH;
  const body: string[] = [text(8, fs * 1.3, title, { size: fs * 1.2, weight: 'bold' })];
  // Each wave's span of interview dates, shaded, with its label above.
  t.waves.forEach((w, k) => {
    const at = t.participants.flatMap((p) => p.interviews.filter((i) => i.wave === k && i.date).map((i) => dayNumber(i.date!)));
    if (at.length === 0) return;
    const a = x(Math.min(...at)) - rowH * 0.4;
    const b = x(Math.max(...at)) + rowH * 0.4;
    body.push(rect(a, top - fs * 0.4, b - a, plotBottom - top + fs * 0.4, 'fill="#eeeeee"'));
    body.push(text((a + b) / 2, top - fs * 1.6, w.label, { size: fs, anchor: 'middle' }));
    body.push(text((a + b) / 2, top - fs * 0.7, `n = ${at.length}`, { size: fs * 0.9, anchor: 'middle' }));
  });
  t.participants.forEach((p, row) => {
    const y = top + row * rowH + rowH / 2;
    body.push(text(left - 8, y, p.id, { size: fs, anchor: 'end', baseline: 'middle' }));
    const dated = p.interviews.filter((i) => i.date);
    for (let k = 1; k < dated.length; k++) {
      const a = dated[k - 1]!;
      const b = dated[k]!;
      const missed = b.wave - a.wave > 1;
      body.push(line(x(dayNumber(a.date!)), y, x(dayNumber(b.date!)), y, `stroke="#000" stroke-width="1"${missed ? ' stroke-dasharray="3 3"' : ''}`));
    }
    for (const i of dated) body.push(marker(i.wave, x(dayNumber(i.date!)), y, fs * 0.38));
    if (p.lostAfter) {
      const last = dated[dated.length - 1];
      const from = last ? x(dayNumber(last.date!)) + fs * 0.6 : left;
      body.push(text(Math.max(from, left + plotW + 4), y, `lost after ${p.lostAfter}`, { size: fs * 0.9, baseline: 'middle' }));
    }
  });
  // Month ticks along the bottom (every month, or every 3 / 12 when the span is long).
  body.push(line(left, plotBottom + 2, left + plotW, plotBottom + 2, 'stroke="#000"'));
  const first = new Date((lo - pad) * 86_400_000);
  const months: Array<{ day: number; label: string }> = [];
  for (let y = first.getUTCFullYear(), m = first.getUTCMonth() + 1; ; m++) {
    if (m > 11) {
      y++;
      m = 0;
    }
    const day = Date.UTC(y, m, 1) / 86_400_000;
    if (day > hi + pad) break;
    months.push({ day, label: `${y}-${String(m + 1).padStart(2, '0')}` });
    if (months.length > 600) break;
  }
  // A label every month when they fit side by side, else every 2, 3, 6 or 12 months.
  const monthWidth = months.length > 1 ? x(months[1]!.day) - x(months[0]!.day) : plotW;
  const labelWidth = textWidth('2000-00', fs * 0.9) + fs;
  const step = [1, 2, 3, 6, 12, 24, 60].find((k) => monthWidth * k >= labelWidth) ?? 120;
  months.forEach((mo, i) => {
    if (i % step !== 0) return;
    body.push(line(x(mo.day), plotBottom + 2, x(mo.day), plotBottom + 6, 'stroke="#000"'));
    body.push(text(x(mo.day), plotBottom + fs * 1.4, mo.label, { size: fs * 0.9, anchor: 'middle' }));
  });
  // Legend: a shape per wave; a dashed line across a missed wave.
  let ly = plotBottom + fs * 3;
  let lx = left;
  t.waves.forEach((w, k) => {
    body.push(marker(k, lx + fs * 0.4, ly, fs * 0.38));
    body.push(text(lx + fs * 1.1, ly, w.label, { size: fs * 0.9, baseline: 'middle' }));
    lx += textWidth(w.label, fs * 0.9) + fs * 2.4;
  });
  if (t.participants.some((p) => p.interviews.some((i, k) => k > 0 && i.wave - p.interviews[k - 1]!.wave > 1))) {
    body.push(line(lx, ly, lx + fs * 1.6, ly, 'stroke="#000" stroke-dasharray="3 3"'));
    body.push(text(lx + fs * 2, ly, 'a wave missed', { size: fs * 0.9, baseline: 'middle' }));
  }
  if (t.undated.length) {
    ly += fs * 1.5;
    body.push(text(left, ly, `Undated, not drawn: ${t.undated.join(', ')}`, { size: fs * 0.9, baseline: 'middle' }));
  }
  const height = o.height ?? ly + fs * 1.5;
  return svg(Math.max(o.width, left + plotW + right), height, title, body);
}
