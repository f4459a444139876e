/** A phone number with all but its last four digits hidden: +57 ••• ••• 4567. */
export function maskPhone(phone: string | undefined): string {
  if (!phone) return '—';
  return `${phone.slice(0, 3)} ••• ${phone.slice(-4)}`;
}

/** An email address with the mailbox hidden but its first letter: m•••@example.co. */
export function maskEmail(email: string | undefined): string {
  if (!email) return '—';
  const at = email.indexOf('@');
  return at <= 0 ? '•••' : `${email[0]}•••${email.slice(at)}`;
}

/** A name as initials with the first name: María F. G. */
export function maskName(name: string): string {
  const [first = '', ...rest] = name.trim().split(/\s+/);
  return [first, ...rest.map((p) => `${p[0] ?? ''}.`)].join(' ');
}
