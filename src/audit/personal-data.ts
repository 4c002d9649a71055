/**
 * Buyer personal data in exports: phone numbers and addresses are masked unless an auditor asks for
 * them, the way platforms show them to merchants ('138****8000', '浙江省杭州市****').
 */
export function maskPhone(phone: unknown): string | null {
  if (typeof phone !== 'string' || phone === '') return null;
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return '****';
}

export function maskAddress(address: unknown): string | null {
  if (typeof address !== 'string' || address === '') return null;
  const chars = [...address];
  return `${chars.slice(0, Math.min(6, Math.max(0, chars.length - 4))).join('')}****`;
}

/** A buyer object as exported: phone and address masked unless `include`. */
export function exportedBuyer(buyer: Record<string, unknown>, include: boolean): Record<string, unknown> {
  if (include) return buyer;
  const masked: Record<string, unknown> = { ...buyer };
  if ('phone' in buyer) masked.phone = maskPhone(buyer.phone);
  if ('address' in buyer) masked.address = maskAddress(buyer.address);
  return masked;
}
