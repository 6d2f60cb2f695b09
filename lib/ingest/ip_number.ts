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
  const groups: number[] = [];
  let gap = -1; // index in `groups` where "::" stands
  let i = 0;
  if (text.startsWith("::")) {
    gap = 0;
    i = 2;
    if (text.length === 2) return [0, 0];
  }
  while (i < text.length) {
    let value = 0;
    let digits = 0;
    const start = i;
    for (; i < text.length; i++) {
      const hex = hexDigit(text.charCodeAt(i));
      if (hex < 0) break;
      value = value * 16 + hex;
      digits++;
    }
    if (i < text.length && text.charCodeAt(i) === 46) {
      // An embedded IPv4 address is the last 32 bits: two groups, beyond the prefix we keep.
      if (ipv4Number(text.slice(start)) === null) return null;
      groups.push(0, 0);
      i = text.length;
      break;
    }
    if (digits === 0 || digits > 4) return null;
    groups.push(value);
    if (i === text.length) break;
    if (text.charCodeAt(i) !== 58) return null;
    i++;
    if (i < text.length && text.charCodeAt(i) === 58) {
      if (gap >= 0) return null;
      gap = groups.length;
      i++;
      if (i === text.length) break;
    } else if (i === text.length) {
      return null; // a trailing single ":"
    }
  }
  if (gap < 0 ? groups.length !== 8 : groups.length > 7) return null;
  const full = gap < 0
    ? groups
    : [...groups.slice(0, gap), ...new Array(8 - groups.length).fill(0), ...groups.slice(gap)];
  return [(full[0] * 65536 + full[1]) >>> 0, (full[2] * 65536 + full[3]) >>> 0];
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}
