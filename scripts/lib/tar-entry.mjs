/**
 * The content of one regular file in an uncompressed tar archive (ustar headers), or
 * undefined when the archive has no such file. For the packages the fetch scripts unpack.
 */
export function tarEntry(tar, wanted) {
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const name = cString(header, 0, 100);
    const prefix = cString(header, 345, 155);
    const size = parseInt(cString(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 0x30);
    const path = prefix ? `${prefix}/${name}` : name;
    const start = offset + 512;
    if (path === wanted && type === '0') return tar.subarray(start, start + size);
    offset = start + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

function cString(buffer, start, length) {
  const field = buffer.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.toString('utf8', 0, nul < 0 ? length : nul);
}
