// What Grok's media generation accepts, as the edges validate requests against it (video
// length and style presets): the values live with the Grok protocol (src/grok), the edges read
// them here so they depend on the gateway only.
export { MAX_VIDEO_SECONDS, VIDEO_PRESETS, type VideoPreset } from '../grok/index.js';
