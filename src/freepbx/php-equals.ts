// PHP 8's loose string comparison (==, !=), which FreePBX uses to compare a file's SHA-256 with the
// listed one: `hash_file('sha256', $file) != $hash`. Two numeric strings compare as numbers, so
// "0e1234..." equals "0e5678..." (both are 0): a file whose digest happens to read as a number in
// exponent form passes for any other such digest. Everything else compares byte for byte.

const NUMERIC = /^[ \t\n\r\v\f]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\r\v\f]*$/;
const INTEGER = /^[ \t\n\r\v\f]*[+-]?\d+[ \t\n\r\v\f]*$/;
const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;

/** PHP 8's `$a == $b` for two strings (zendi_smart_str_equals). */
export function phpLooseEquals(a: string, b: string): boolean {
  if (a === b) return true;
  if (!NUMERIC.test(a) || !NUMERIC.test(b)) return false;
  const ia = integer(a);
  const ib = integer(b);
  if (ia !== undefined && ib !== undefined) {
    // Integers that overflow to the same side compare as strings.
    if (ia.overflow !== 0 && ia.overflow === ib.overflow) return false;
    if (ia.overflow === 0 && ib.overflow === 0) return ia.value === ib.value;
  }
  const da = Number(a.trim());
  const db = Number(b.trim());
  // Both overflowed to the same infinity: PHP compares them as strings.
  if (da === db && !Number.isFinite(da)) return false;
  return da === db;
}

function integer(s: string): { value: bigint; overflow: number } | undefined {
  if (!INTEGER.test(s)) return undefined;
  const value = BigInt(s.trim());
  return { value, overflow: value > LONG_MAX ? 1 : value < LONG_MIN ? -1 : 0 };
}
