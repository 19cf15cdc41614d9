// pdfkit and svg-to-pdfkit ship no declarations; qualwave uses only this (io/figures.ts).
declare module 'pdfkit' {
  interface PDFDocumentOptions {
    size?: [number, number];
    margin?: number;
    compress?: boolean;
    autoFirstPage?: boolean;
    info?: Record<string, string | Date>;
    font?: string | null;
  }
  class PDFDocument {
    constructor(options?: PDFDocumentOptions);
    registerFont(name: string, src: string | Uint8Array): this;
    on(event: 'data', listener: (chunk: Uint8Array) => void): this;
    on(event: 'end' | 'error', listener: (e?: unknown) => void): this;
    end(): void;
  }
  export default PDFDocument;
}
declare module 'svg-to-pdfkit' {
  function SVGtoPDF(doc: unknown, svg: string, x: number, y: number, options?: { assumePt?: boolean; fontCallback?: (family: string, bold: boolean, italic: boolean) => string; warningCallback?: (message: string) => void; width?: number; height?: number }): void;
  export default SVGtoPDF;
}
