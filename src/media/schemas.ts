import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, Nullable, PageQuery } from '../http/schemas.js';

/** An uploaded image of the workspace, served publicly at `url` (absolute, under PUBLIC_URL). */
export const Media = Type.Object(
  {
    id: Type.Integer(),
    url: Type.String({ format: 'uri' }),
    contentType: Type.String(),
    bytes: Type.Integer(),
    /** Read from the image's header; null when it does not say. */
    width: Nullable(Type.Integer()),
    height: Nullable(Type.Integer()),
    /** The name the file had on the uploader's machine. */
    originalName: Type.String(),
    createdAt: IsoDate,
  },
  { $id: 'Media' },
);
export type Media = Static<typeof Media>;

export const MediaQuery = Type.Object({ ...PageQuery });
export type MediaQuery = Static<typeof MediaQuery>;

/** A stored image's public file name: 32 random hex digits and the detected type's extension. */
export const FILE_NAME = /^[0-9a-f]{32}\.(png|jpg|gif|webp)$/;

export const FileParams = Type.Object({ file: Type.String({ maxLength: 100 }) });
export type FileParams = Static<typeof FileParams>;
