/** `::ffff:10.0.0.1` → `10.0.0.1`: one sender, one peer string, whichever socket family took it. */
export function peerOf(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
