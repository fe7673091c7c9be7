import type { AppContext } from '../context.js';
import { EDIT, PUBLIC, READ } from '../http/access.js';
import type { Api } from '../http/api.js';
import { badRequest, notFound } from '../http/errors.js';
import { Page } from '../http/schemas.js';
import { imageTooLarge, listMedia, MAX_IMAGE_BYTES, openImage, storeImage } from './media.js';
import { FileParams, Media, MediaQuery } from './schemas.js';

/** Image uploads for the designer, the workspace's image library, and the public URLs that emails load them from. */
export function mediaRoutes(app: Api, ctx: AppContext): void {
  const tags = ['media'];
  app.post(
    '/api/media',
    {
      config: EDIT,
      schema: {
        tags,
        summary: 'Upload an image for the designer',
        description:
          'multipart/form-data with `file`: a PNG, JPEG, GIF or WebP image of at most 5 MB, its type read from its content (not its name). ' +
          'Anything else (SVG included) answers 400 naming what the file is; a larger file answers 413 `file_too_large`. ' +
          'Answers 201 with the image and its public `url`.',
        response: { 201: Media },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) throw badRequest('send multipart/form-data with the image in a field named "file"', 'file');
      const part = await req.file({ limits: { fileSize: MAX_IMAGE_BYTES, files: 1 } });
      if (!part || part.fieldname !== 'file') throw badRequest('the image is missing (multipart field "file")', 'file');
      let bytes: Buffer;
      try {
        bytes = await part.toBuffer();
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw imageTooLarge();
        throw error;
      }
      if (part.file.truncated) throw imageTooLarge();
      return reply.status(201).send(await storeImage(req.ctx, bytes, part.filename));
    },
  );
  app.get('/api/media', { config: READ, schema: { tags, summary: "The workspace's images, newest first", querystring: MediaQuery, response: { 200: Page(Media) } } }, (req) =>
    listMedia(req.ctx, req.query),
  );
  app.get(
    '/media/:file',
    { config: PUBLIC, schema: { tags, summary: 'An uploaded image, cached for good (its name never changes meaning)', params: FileParams } },
    async (req, reply) => {
      const image = await openImage(ctx, req.params.file);
      if (!image) throw notFound('Image');
      return reply
        .header('content-type', image.contentType)
        .header('content-length', image.bytes)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'")
        .send(image.stream);
    },
  );
}
