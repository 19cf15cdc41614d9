"""Build a qc project (cproctor/qualitative-coding) from a qualwave growth study, for the bench's
qc pairs (npm run bench -- --qc). Runs with a Python that can import qc (qualitative_coding);
only qc's own API is called, none of its code is copied here.

    python3 bench/qc_corpus.py STUDY_DIR QC_DIR [CODER]

How the study maps onto qc:
- each transcript transcripts/P_W.txt is imported unchanged as the qc document P_W.txt
  (qc's verbatim importer; qc's paragraphs are its blank-line-separated blocks, as qualwave's
  segments), front matter included, so line numbers agree: qualwave's line L (1-based, as an
  editor numbers it) is qc's line L - 1 (qc counts from 0);
- the codebook's themes become qc's top-level codes and their codes the children
  (theme3 -> theme3.code4, the same ids), written with qc's own codebook writer;
- each of CODER's codings (codings/CODER.tsv, default a; whole lines only, as the growth study
  has) becomes one qc coded line per line of its span, of coder CODER, attached to the
  paragraph (Location) holding that line, as qc's update_coded_lines does. A memo or an exemplar
  flag has no place in qc's model: the growth study has none (checked).
Prints the counts on both sides (documents, coded lines, codings, codes) and exits 1 if they
differ.
"""

import bisect
import csv
import os
import sys
from pathlib import Path

import yaml
from sqlalchemy import func, select

from qualitative_coding.corpus import QCCorpus
from qualitative_coding.database.models import CodedLine, Code, Coder, Document, DocumentIndex, Location
from qualitative_coding.tree_node import TreeNode


def read_codings(study, coder):
    rows = []
    with open(study / "codings" / f"{coder}.tsv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if r["exemplar"] or r["memo"]:
                raise SystemExit(f"a coding with a memo or exemplar flag: {r} (qc has no place for it)")
            span = r["lines"]
            if ":" in span:
                raise SystemExit(f"an exact span {span}: qc codes whole lines only")
            first, _, last = span.partition("-")
            rows.append((f"{r['participant']}_{r['wave']}.txt", int(first), int(last or first), r["code"]))
    return rows


def read_themes(study):
    settings = yaml.safe_load((study / "qualwave.yaml").read_text())
    themes = []
    for path in settings["codebooks"]:
        for node in yaml.safe_load((study / path).read_text())["codes"]:
            themes.append((node["id"], [c["id"] for c in node.get("children", [])]))
    return themes


def main():
    study, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    coder = sys.argv[3] if len(sys.argv) > 3 else "a"
    if out.exists():
        raise SystemExit(f"{out} exists")
    out.mkdir(parents=True)
    os.chdir(out)
    QCCorpus.initialize("settings.yaml")
    themes = read_themes(study)
    TreeNode.write_yaml("codebook.yaml", TreeNode({TreeNode.root: [{t: codes} if codes else t for t, codes in themes]}))
    codings = read_codings(study, coder)
    transcripts = sorted((study / "transcripts").glob("*.txt"))
    corpus = QCCorpus("settings.yaml")
    with corpus.session():
        for t in transcripts:
            corpus.import_media(t, importer="verbatim")
        session = corpus.get_session()
        session.add(Coder(name=coder))
        used = sorted({c for *_, c in codings})
        session.add_all(Code(name=c) for c in used)
        # The paragraphs qc made on import, per document: [(start_line, end_line, Location)].
        paragraphs = {}
        q = select(DocumentIndex.document_id, Location).join(Location.document_index).where(DocumentIndex.name == "paragraphs")
        for doc, loc in session.execute(q):
            paragraphs.setdefault(doc, []).append(loc)
        for locs in paragraphs.values():
            locs.sort(key=lambda loc: loc.start_line)
        starts = {doc: [loc.start_line for loc in locs] for doc, locs in paragraphs.items()}
        seen = set()
        for doc, first, last, code in codings:
            for line in range(first - 1, last):
                if (doc, line, code) in seen:
                    continue
                seen.add((doc, line, code))
                locs = paragraphs[doc]
                loc = locs[bisect.bisect_right(starts[doc], line) - 1]
                if not (loc.start_line <= line < loc.end_line):
                    raise SystemExit(f"{doc} line {line}: no paragraph")
                cl = CodedLine(line=line, code_id=code, coder_id=coder)
                cl.locations.append(loc)
                session.add(cl)
        session.commit()
        corpus.update_codebook()
        n_docs = session.scalar(select(func.count()).select_from(Document))
        n_lines = session.scalar(select(func.count()).select_from(CodedLine))
        n_codes = session.scalar(select(func.count()).select_from(Code))
        tree_codes = len(corpus.get_codebook().flatten())
    want_lines = sum(last - first + 1 for _, first, last, _ in codings)
    study_codes = sum(1 + len(c) for _, c in themes)
    print(f"study: {len(transcripts)} transcripts, {len(codings)} codings of coder {coder} ({want_lines} coded lines, {len({(d, f) for d, f, *_ in codings})} distinct lines), {study_codes} codes ({len(themes)} themes), {len(used)} codes used")
    print(f"qc:    {n_docs} documents, {n_lines} coded lines, {tree_codes} codes in the codebook, {n_codes} codes used")
    if (n_docs, n_lines, tree_codes, n_codes) != (len(transcripts), want_lines, study_codes, len(used)):
        print("MISMATCH", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
