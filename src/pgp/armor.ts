// Splits an armored key file into its key blocks, in one pass. A file may hold several blocks
// (`gpg --export --armor` of many keys, or keys pasted one after another) and text between them.
// The text is attacker-controlled: a regular expression with a lazy `[\s\S]*?` rescans the rest of
// the file for every BEGIN line (quadratic: a 7 MB file of BEGIN lines took minutes). Here each part
// of the text is scanned at most once for BEGIN and once per block kind for END.

export type ArmorKind = 'PUBLIC' | 'PRIVATE';

export interface ArmorBlock {
  readonly kind: ArmorKind;
  /** The block from its BEGIN line to the end of its END line. */
  readonly text: string;
}

const BEGIN = '-----BEGIN PGP ';
const KINDS: readonly ArmorKind[] = ['PUBLIC', 'PRIVATE'];

/**
 * The key blocks of `text`, in order: each from a `-----BEGIN PGP PUBLIC|PRIVATE KEY BLOCK-----` line
 * to the next END line of the same kind. A BEGIN with no matching END is not a block. Stops after
 * `limit` blocks (the caller then knows there are more than it takes).
 */
export function splitKeyBlocks(text: string, limit = Infinity): ArmorBlock[] {
  const blocks: ArmorBlock[] = [];
  // Where the next END of each kind is, once looked for: -1 when there is none left. A block always
  // ends at the first END after its BEGIN, and the next search starts past that END, so each stretch
  // of text is searched once per kind.
  const nextEnd = new Map<ArmorKind, number>();
  let pos = 0;
  while (blocks.length < limit) {
    const begin = text.indexOf(BEGIN, pos);
    if (begin < 0) break;
    const kind = KINDS.find((k) => text.startsWith(`${k} KEY BLOCK-----`, begin + BEGIN.length));
    if (kind === undefined) {
      pos = begin + BEGIN.length;
      continue;
    }
    const endMarker = `-----END PGP ${kind} KEY BLOCK-----`;
    let end = nextEnd.get(kind);
    if (end === undefined || (end >= 0 && end < begin)) {
      end = text.indexOf(endMarker, begin);
      nextEnd.set(kind, end);
    }
    if (end < 0) {
      // No END of this kind anywhere after: this BEGIN opens nothing. Another kind may still follow.
      pos = begin + BEGIN.length;
      continue;
    }
    const stop = end + endMarker.length;
    blocks.push({ kind, text: text.slice(begin, stop) });
    pos = stop;
  }
  return blocks;
}
