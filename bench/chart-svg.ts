// Renders a Vega-Lite spec to an SVG string in Node, headless: vega-lite compiles it to Vega, a Vega
// View with renderer 'none' runs the dataflow, and view.toSVG() writes the scene. No browser and no
// node-canvas (a native build the project does not need otherwise).
//
// Without a canvas, Vega guesses a text's width as 0.8 × font size per character, about half again
// as wide as real sans-serif text: axis labels then get far too much room and titles are placed off
// centre. Vega lets a user replace that guess (textMetrics.width, as vl-convert does); this file
// gives it Helvetica's advance widths, which Arial and Liberation Sans share, the fonts the charts ask
// for first.

import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/** The font stack every chart uses; the widths below are this stack's first fonts'. */
export const FONT = 'Helvetica, Arial, "Liberation Sans", "DejaVu Sans", sans-serif';

// Helvetica's advance widths (its AFM file), in 1/1000 em, for the printable ASCII characters 32..126.
// prettier-ignore
const ASCII_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space ! " # $ % & ' ( ) * + , - . /
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0-9 : ; < = > ?
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ A-O
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P-Z [ \ ] ^ _
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` a-o
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p-z { | } ~
];
// The few non-ASCII characters the charts use; anything else counts as a digit's width.
const OTHER_WIDTHS: Readonly<Record<string, number>> = { '–': 556, '—': 1000, '×': 584, '≤': 549, '·': 278, ' ': 278 };
const DEFAULT_WIDTH = 556;
/** Bold Helvetica is about this much wider on average. */
const BOLD = 1.1;
// Where none of Helvetica, Arial and Liberation Sans is installed (many Linux desktops), the text is
// set in DejaVu Sans, about 15% wider (measured in Chromium on these charts' labels). Room is made for
// that, so no label is clipped or overlaps there; elsewhere it costs a little whitespace.
const WIDEST_FALLBACK = 1.15;

function charWidth(char: string): number {
  const code = char.charCodeAt(0);
  if (code >= 32 && code <= 126) return ASCII_WIDTHS[code - 32] ?? DEFAULT_WIDTH;
  return OTHER_WIDTHS[char] ?? DEFAULT_WIDTH;
}

/** Room in pixels for `text` at `fontSize` px: Helvetica's width, widened for the fallback font. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const char of text) units += charWidth(char);
  return (units / 1000) * fontSize * (bold ? BOLD : 1) * WIDEST_FALLBACK;
}

// What Vega passes to textMetrics.width: a text mark's item (its text, size and weight so far).
interface TextItem {
  readonly text?: unknown;
  readonly fontSize?: number;
  readonly fontWeight?: string | number;
}

// Vega exports textMetrics (from vega-scenegraph) at run time, but its typings leave it out.
const TEXT_METRICS = (
  vega as unknown as { readonly textMetrics: { width: (item: TextItem, text?: unknown) => number } }
).textMetrics;

function itemWidth(item: TextItem, text?: unknown): number {
  const value = text ?? item.text;
  const lines = Array.isArray(value)
    ? value.map(String)
    : [typeof value === 'string' || typeof value === 'number' ? String(value) : ''];
  const weight = item.fontWeight;
  const bold = weight === 'bold' || (typeof weight === 'number' && weight >= 600);
  return Math.max(0, ...lines.map((line) => textWidth(line, item.fontSize ?? 11, bold)));
}

/** The SVG of one Vega-Lite spec. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Vega's text metrics are module state; set them before every render, so nothing else that loads
  // Vega in the same process (and turns canvas measuring back on) changes these charts.
  TEXT_METRICS.width = itemWidth;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
