import { byCoder, withHashes } from '../../core/coding/edit.js';
import { press, startSession, type SessionState } from '../../core/coding/session.js';
import { CODER_NAME, type Coding } from '../../core/coding/types.js';
import type { Document, Study } from '../../core/study/types.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';
import { saveCodings } from '../../io/codings.js';
import type { Context } from '../context.js';
import { EXIT, QualwaveError, UsageError } from '../errors.js';
import { parseLines } from '../options.js';
import { parseKeys } from '../tui/keys.js';
import { renderSession } from '../tui/render.js';

/**
 * qualwave code PARTICIPANT WAVE --coder NAME: code one transcript, interactively in the terminal,
 * or from scripts with --apply/--remove CODE --lines A-B. Every change is saved (atomically) before
 * the next key is read, so Ctrl-C, a closed terminal or kill -9 loses nothing already shown.
 */
export async function run(ctx: Context, participant: string, wave: string): Promise<number> {
  const coder = String(ctx.opts['coder']);
  if (!CODER_NAME.test(coder)) throw new UsageError(`--coder ${coder}: not a usable coder name`, "use letters, digits, '-', '_' and '.' (it becomes codings/NAME.tsv)");
  const study = await ctx.study();
  const doc = findDocument(study, participant, wave);
  const apply = ctx.opts['apply'] as string | undefined;
  const remove = ctx.opts['remove'] as string | undefined;
  if (apply !== undefined || remove !== undefined) return edit(ctx, study, doc, coder, apply, remove);
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError('interactive coding needs a terminal', `from a script, use: qualwave code ${participant} ${wave} --coder ${coder} --apply CODE --lines 12-14`);
  }
  return interactive(ctx, study, doc, coder);
}

function findDocument(study: Study, participant: string, wave: string): Document {
  const ids = study.participants.map((p) => p.id);
  if (!ids.includes(participant)) throw new UsageError(`no participant '${participant}'${didYouMeanSuffix(participant, ids)}`);
  const waves = study.config.waves.map((w) => w.id);
  if (!waves.includes(wave)) throw new UsageError(`no wave '${wave}'${didYouMeanSuffix(wave, waves)}`, `waves: ${waves.join(', ')}`);
  const doc = study.documents.find((d) => d.participant === participant && d.wave === wave);
  if (!doc) {
    const at = study.documents.filter((d) => d.participant === participant).map((d) => d.wave);
    throw new UsageError(`${participant} has no transcript at wave '${wave}'`, at.length ? `${participant} was interviewed at: ${at.join(', ')}` : undefined);
  }
  return doc;
}

function save(study: Study, coder: string, mine: readonly Coding[], doc: Document): void {
  const groups = byCoder(study);
  const others = (groups.get(coder) ?? []).filter((c) => !(c.participant === doc.participant && c.wave === doc.wave));
  saveCodings(study, new Map([[coder, withHashes(study, [...others, ...mine])]]));
}

function edit(ctx: Context, study: Study, doc: Document, coder: string, apply: string | undefined, remove: string | undefined): number {
  if (apply !== undefined && remove !== undefined) throw new UsageError('give --apply or --remove, not both');
  const code = (apply ?? remove)!;
  if (!study.codebook.byId.has(code)) throw new UsageError(`no code '${code}'${didYouMeanSuffix(code, study.codebook.byId.keys())}`, 'codes are listed by: qualwave codebook show');
  if (ctx.opts['lines'] === undefined) throw new UsageError('--lines is required with --apply and --remove', 'e.g. --lines 12-14 (lines as your editor numbers them)');
  const { startLine, endLine } = parseLines(String(ctx.opts['lines']));
  if (endLine > doc.lineCount) throw new UsageError(`lines ${startLine}-${endLine} are outside ${doc.file} (${doc.lineCount} lines)`);
  const mine = study.codings.filter((c) => c.coder === coder && c.participant === doc.participant && c.wave === doc.wave);
  const same = (c: Coding) => c.code === code && c.startLine === startLine && c.endLine === endLine;
  const existing = mine.find(same);
  const range = startLine === endLine ? `line ${startLine}` : `lines ${startLine}-${endLine}`;
  if (remove !== undefined) {
    if (!existing) throw new QualwaveError(`${coder} has no coding of ${code} at ${range} of ${doc.file}`, EXIT.checkFailed);
    save(study, coder, mine.filter((c) => !same(c)), doc);
    ctx.info(`removed ${code} at ${doc.file}:${startLine}${endLine > startLine ? `-${endLine}` : ''} (${coder})`);
    return EXIT.ok;
  }
  const memo = ctx.opts['memo'] as string | undefined;
  const coding: Coding = { ...(existing ?? { coder, participant: doc.participant, wave: doc.wave, startLine, endLine, code }), exemplar: ctx.opts['exemplar'] === true || (existing?.exemplar ?? false) };
  if (memo !== undefined) coding.memo = memo;
  save(study, coder, existing ? mine.map((c) => (c === existing ? coding : c)) : [...mine, coding], doc);
  ctx.info(`${existing ? 'updated' : 'applied'} ${code} at ${doc.file}:${startLine}${endLine > startLine ? `-${endLine}` : ''} (${coder})`);
  return EXIT.ok;
}

async function interactive(ctx: Context, study: Study, doc: Document, coder: string): Promise<number> {
  let state: SessionState = startSession(doc, study.codebook, coder, study.codings, { allSpeakers: ctx.opts['allSpeakers'] === true });
  const wave = study.config.waves.find((w) => w.id === doc.wave);
  const stdin = process.stdin;
  const out = process.stdout;
  const draw = (): void => {
    out.write('\x1b[H\x1b[2J' + renderSession(state, wave, { columns: out.columns ?? 80, rows: out.rows ?? 24 }, ctx.out));
  };
  const restore = (): void => {
    out.write('\x1b[?25h\x1b[?1049l');
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
  };
  out.write('\x1b[?1049h\x1b[?25l');
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  draw();
  return new Promise<number>((resolvePromise) => {
    const finish = (code: number): void => {
      restore();
      ctx.info(`${coder}: ${state.codings.length} coding${state.codings.length === 1 ? '' : 's'} of ${doc.file} saved in codings/${coder}.tsv`);
      resolvePromise(code);
    };
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.once(signal, () => finish(EXIT.ok));
    out.on('resize', draw);
    stdin.on('data', (data: string) => {
      for (const key of parseKeys(data)) {
        const result = press(state, key);
        // Save before anything else is shown: what the coder saw is on disk.
        if (result.changed) save(study, coder, result.state.codings, doc);
        state = result.state;
        if (state.done) {
          stdin.removeAllListeners('data');
          finish(EXIT.ok);
          return;
        }
      }
      draw();
    });
  });
}
