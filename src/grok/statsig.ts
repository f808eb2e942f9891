// `x-statsig-id` (grok-protocol.md 1.4, A form): the base64 of the error text the web app sends
// when its Statsig SDK is not ready. Fresh per call; cheap (no crypto needed, it is not a secret).

const FRAGMENT_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const FRAGMENT_LENGTH = 10;

export function generateStatsigId(): string {
  let fragment = '';
  for (let i = 0; i < FRAGMENT_LENGTH; i++) {
    fragment += FRAGMENT_ALPHABET.charAt(Math.floor(Math.random() * FRAGMENT_ALPHABET.length));
  }
  return Buffer.from(`x1:TypeError: Cannot read properties of undefined (reading '${fragment}')`, 'latin1').toString(
    'base64',
  );
}
