/**
 * Masks a phone number or email address for the one log line that may mention a recipient (the log transport's
 * would-have-sent line): enough to recognise a test number, not enough to identify a debtor.
 */
export function maskAddress(address: string): string {
  const at = address.indexOf('@');
  if (at > 0) {
    const local = address.slice(0, at);
    return `${local.slice(0, 1)}***@${address.slice(at + 1)}`;
  }
  if (address.length <= 8) return '****';
  return `${address.slice(0, 6)}****${address.slice(-4)}`;
}

/**
 * Masks any phone number or email address inside provider error text (Twilio's 21211 message quotes the number),
 * because failure messages end up in Temporal history, the UI and worker logs.
 */
export function redactAddresses(text: string): string {
  return text
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, (m) => maskAddress(m))
    .replace(/\+\d{7,15}\b|\b\d{10,15}\b/g, (m) => maskAddress(m));
}
