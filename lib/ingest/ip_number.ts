// Strict, allocation-light parsers from IP text to numbers for range searches: an IPv4 dotted
// quad to an unsigned 32-bit number, an IPv6 address to its first 64 bits (two 32-bit halves).
// ipaddr.js parses with regexes (~15 µs an address here); range tables load thousands of rows.

/** "a.b.c.d" (decimal, each 0..255, no leading zeros beyond one digit) → uint32, else null. */
export function ipv4Number(text: string): number | null {
  let value = 0;
  let octet = -1;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (octet < 0 || dots === 3) return null;
      value = value * 256 + octet;
      octet = -1;
      digits = 0;
      dots++;
    } else if (code >= 48 && code <= 57) {
      if (digits === 1 && octet === 0) return null; // "01": not canonical
      octet = (octet < 0 ? 0 : octet * 10) + code - 48;
      if (++digits > 3 || octet > 255) return null;
    } else {
      return null;
    }
  }
  if (dots !== 3 || octet < 0) return null;
  return value * 256 + octet;
}

/**
 * The first 64 bits of an IPv6 address as [high 32, low 32], or null when the text is not an
 * IPv6 address (hex groups of 1-4 digits, at most one "::", an optional trailing dotted quad).
 */
export function ipv6Prefix(text: string): [number, number] | null {
  if (text.length < 2 || text.length > 45) return null;
  const groups = [0, 0, 0, 0, 0, 0, 0, 0];
  let count = 0;
  let gap = -1; // how many groups precede the "::"
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return null;
    gap = 0;
    i = 2;
  }
  while (i < text.length) {
    let value = 0;
    const start = i;
    for (; i < text.length; i++) {
      const hex = hexDigit(text.charCodeAt(i));
      if (hex < 0) break;
      value = value * 16 + hex;
    }
    if (i < text.length && text.charCodeAt(i) === 46) {
      // An embedded IPv4 address is the last 32 bits: two groups, beyond the prefix we keep.
      if (count > 6 || ipv4Number(text.slice(start)) === null) return null;
      count += 2;
      break;
    }
    const digits = i - start;
    if (digits === 0 || digits > 4 || count === 8) return null;
    groups[count++] = value;
    if (i === text.length) break;
    if (text.charCodeAt(i++) !== 58 || i === text.length) return null; // a trailing single ":"
    if (text.charCodeAt(i) === 58) {
      if (gap >= 0) return null;
      gap = count;
      i++;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return null;
  // Group k of the full address: before the gap as written, inside it zero, after it shifted.
  const zeros = gap < 0 ? 0 : 8 - count;
  const group = (k: number) =>
    gap < 0 || k < gap ? groups[k] : k < gap + zeros ? 0 : groups[k - zeros];
  return [(group(0) * 65536 + group(1)) >>> 0, (group(2) * 65536 + group(3)) >>> 0];
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}
