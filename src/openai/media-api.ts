// Registers the media API, /v1/images/* and /v1/videos*, into the /v1 scope (the cached files at
// /images/* and /videos/* are public links, registered outside it). Multipart parsing
// (@fastify/multipart) is scoped to the routes that take uploads.
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ModelRegistry } from '../config/index.js';
import { registerImageRoutes } from './images-route.js';
import type { MediaApiDeps, MediaApiSettings } from './media-api-deps.js';
import { MAX_FORM_FIELD_BYTES } from './media-form.js';
import { registerVideoRoutes } from './videos-route.js';

/** `app` is the /v1 scope: the paths below are relative to it. */
export async function registerMediaApi(app: FastifyInstance, deps: MediaApiDeps): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { files: 17, fileSize: deps.settings().maxUploadBytes, fields: 64, fieldSize: MAX_FORM_FIELD_BYTES, parts: 128 },
    });
    registerImageRoutes(scope, deps);
    registerVideoRoutes(scope, deps);
  });
}

/** The media use cases a server is built with (AppServices.media). */
export type MediaServices = Pick<MediaApiDeps, 'images' | 'videos' | 'jobs' | 'loader' | 'cache' | 'remote'>;

/** Builds the route deps from the services and the live settings (app/settings.ts mediaApiSettingsFrom). */
export function mediaApiDeps(
  media: MediaServices,
  settings: () => MediaApiSettings,
  models: () => ModelRegistry,
  onStream: (() => () => void) | undefined,
): MediaApiDeps {
  return { ...media, models, settings, onStream };
}
