import { escapeHtml as esc, renderHtml, type Table } from '../format/table.js';

/**
 * The self-contained HTML report: inline CSS and SVG, no script, no network request, every string
 * escaped. Long parts fold (a CSS-only toggle), and print unfolded.
 */
export interface ReportSection {
  id: string;
  title: string;
  /** Already-safe HTML (figures, tables made by renderHtml, or esc()-ed text). */
  html: string;
  /** More of it, after `html`, piece by piece (a long section, tens of MB on a big study: never one string). */
  parts?: readonly string[];
}

export interface Fold {
  id: string;
  title: string;
  html: string;
  open?: boolean;
}

const CSS = `
:root{--w:15rem;font-family:Helvetica,Arial,sans-serif;color:#111;line-height:1.45}
body{margin:0}
nav{position:fixed;top:0;left:0;bottom:0;width:var(--w);overflow:auto;background:#f4f4f4;border-right:1px solid #ccc;padding:1rem;box-sizing:border-box}
nav h1{font-size:1rem;margin:0 0 .8rem}
nav ul{list-style:none;padding:0;margin:0}
nav li{margin:.35rem 0}
nav a{color:#111;text-decoration:none}
nav a:hover{text-decoration:underline}
main{margin-left:var(--w);padding:1rem 2rem 4rem;max-width:62rem}
section{margin-bottom:2.5rem}
h2{border-bottom:2px solid #111;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:.85rem}
th,td{border:1px solid #bbb;padding:.25rem .5rem;vertical-align:top}
th{background:#eee}
caption{caption-side:top;text-align:left;font-weight:bold;padding:.3rem 0}
svg{max-width:100%;height:auto;display:block;margin:.8rem 0}
blockquote{margin:.6rem 0 .2rem 1rem;padding-left:.8rem;border-left:3px solid #888}
.source{color:#555;font-size:.8rem;margin:0 0 .8rem 1.8rem}
.fold{border:1px solid #ccc;margin:.4rem 0}
.fold>input{position:absolute;opacity:0;pointer-events:none}
.fold>label{display:block;padding:.4rem .6rem;background:#f7f7f7;cursor:pointer;font-weight:bold}
.fold>label::before{content:"▸ "}
.fold>input:checked+label::before{content:"▾ "}
.fold>input:focus-visible+label{outline:2px solid #000}
.fold>.body{padding:.3rem .8rem}
.fold>input:not(:checked)~.body{display:none}
.muted{color:#555}
@media print{nav{display:none}main{margin:0;max-width:none}.fold>.body{display:block!important}.fold>label::before{content:""}section{break-inside:avoid-page}}
`;

export function fold(f: Fold): string {
  const [open, close] = foldEnds(f);
  return `${open}${f.html}${close}`;
}

/** What fold() puts before and after its html (a long body is then written piece by piece, copied once). */
export function foldEnds(f: Omit<Fold, 'html'>): [string, string] {
  const id = `fold-${f.id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  return [`<div class="fold"><input type="checkbox" id="${id}"${f.open ? ' checked' : ''}><label for="${id}">${esc(f.title)}</label><div class="body">`, '</div></div>'];
}

/**
 * While `tables` is set, every table the report shows is also collected there, in order: the
 * report's tables as one Word document (report -o report.docx) are exactly the HTML report's.
 */
export const reportTables: { tables: Table[] | undefined } = { tables: undefined };

export function table(t: Table): string {
  reportTables.tables?.push(t);
  return renderHtml(t);
}

export function report(opts: { title: string; language: string; subtitle: string; stamp?: string; sections: ReportSection[] }): string {
  return reportPieces(opts).join('');
}

/**
 * The report page in pieces, in order: its lines, each section's HTML as its own piece (written
 * as they are, so that a report of 3,000 transcripts is never one string: it is 60 MB and more).
 */
export function reportPieces(opts: { title: string; language: string; subtitle: string; stamp?: string; sections: ReportSection[] }): string[] {
  const nav = opts.sections.map((s) => `<li><a href="#${s.id}">${esc(s.title)}</a></li>`).join('');
  const head = [
    '<!doctype html>',
    `<html lang="${esc(opts.language)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(opts.title)}</title>`,
    `<style>${CSS.trim()}</style>`,
    '</head>',
    '<body>',
    `<nav aria-label="Sections"><h1>${esc(opts.title)}</h1><ul>${nav}</ul></nav>`,
    '<main>',
    `<header><h1>${esc(opts.title)}</h1><p class="muted">${esc(opts.subtitle)}${opts.stamp ? ` · generated ${esc(opts.stamp)}` : ''}</p></header>`,
  ];
  const out: string[] = [head.join('\n') + '\n'];
  for (const s of opts.sections) {
    out.push(`<section id="${s.id}"><h2>${esc(s.title)}</h2>\n`, s.html);
    if (s.parts) for (const p of s.parts) out.push(p);
    out.push('\n</section>\n');
  }
  out.push('</main>\n</body>\n</html>\n');
  return out;
}

export { esc };
