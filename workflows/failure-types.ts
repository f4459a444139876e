/**
 * Failure types shared by activities (which throw them) and the workflow (which reacts to them). A channel that
 * can never work for an address: invalid or unreachable number, opted-out recipient, hard bounce.
 */
export const CHANNEL_PERMANENTLY_FAILED = 'ChannelPermanentlyFailed';
