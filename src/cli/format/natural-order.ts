const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/**
 * Compares strings in "natural" order, as docker sorts hostnames and task names
 * (`sortorder.NaturalLess`): runs of digits compare as numbers (`node-2` < `node-10`),
 * digits sort before other characters, and other characters compare by code unit. Returns
 * a negative, zero or positive number, for `Array.prototype.sort`. Pure.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    const da = isDigit(ca);
    const db = isDigit(cb);
    if (da !== db) return da ? -1 : 1;
    if (!da) {
      if (ca !== cb) return ca - cb;
      i++;
      j++;
      continue;
    }
    while (i < a.length && a.charCodeAt(i) === 48) i++;
    while (j < b.length && b.charCodeAt(j) === 48) j++;
    const startA = i;
    const startB = j;
    while (i < a.length && isDigit(a.charCodeAt(i))) i++;
    while (j < b.length && isDigit(b.charCodeAt(j))) j++;
    if (i - startA !== j - startB) return i - startA - (j - startB);
    const numA = a.slice(startA, i);
    const numB = b.slice(startB, j);
    if (numA !== numB) return numA < numB ? -1 : 1;
    // Equal numbers: fewer leading zeros sorts first.
    if (startA !== startB) return startA - startB;
  }
  // Identical so far: the shorter string sorts first.
  return a.length - b.length;
}
