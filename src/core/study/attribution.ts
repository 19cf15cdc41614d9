import type { Document, Participant, Study } from './types.js';

/**
 * A quote's attribution from the study's template: `({participant}, {wave.label})` gives
 * "(MS07, post interview)". Fields: participant, wave (id), wave.label, date, interviewer,
 * timestamp (the segment's, when the transcript gives one), any participant attribute
 * (`{facility}`) and any front-matter key of the document. In a group interview, `{participant}`
 * is whoever speaks in the segment (give that participant's row as `participant`).
 */
export function attribution(template: string, study: Pick<Study, 'config'>, doc: Pick<Document, 'participant' | 'wave' | 'date' | 'interviewer' | 'attributes'>, participant?: Participant, segment?: { timestamp?: string | undefined; participant?: string | undefined }): string {
  const wave = study.config.waves.find((w) => w.id === doc.wave);
  return template.replace(/\{([^{}]+)\}/g, (whole, field: string) => {
    switch (field) {
      case 'participant':
        return segment?.participant ?? doc.participant;
      case 'timestamp':
        return segment?.timestamp ?? '';
      case 'wave':
        return doc.wave;
      case 'wave.label':
        return wave?.label ?? doc.wave;
      case 'date':
        return doc.date ?? '';
      case 'interviewer':
        return doc.interviewer ?? '';
    }
    // Own keys only: `{constructor}` must not reach Object.prototype.
    const a = participant && Object.hasOwn(participant.attributes, field) ? participant.attributes[field] : undefined;
    if (a !== undefined) return a;
    const d = Object.hasOwn(doc.attributes, field) ? doc.attributes[field] : undefined;
    return d === undefined || d === null ? whole : String(d);
  });
}
