// Image files a tool may hand to a model: PNG, JPEG, GIF and WebP, recognised by their first bytes
// rather than their name (a mislabelled file is sent with its true media type, which providers check).

/** The providers' own limit is about 5 MB an image (Anthropic); larger ones are refused. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** Bytes imageMediaType needs to see. */
export const IMAGE_SNIFF_BYTES = 12;

/** The media type the bytes start with, or undefined for anything but the four formats models take. */
export function imageMediaType(head: Uint8Array): string | undefined {
  const b = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, IMAGE_SNIFF_BYTES));
  if (b.length >= 8 && b.subarray(0, 8).equals(PNG)) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  const ascii = b.toString('latin1');
  if (ascii.startsWith('GIF87a') || ascii.startsWith('GIF89a')) return 'image/gif';
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
