/** Object key prefixes of the photo bucket: the functions' own (store/keys.ts OBJECT_PREFIXES). */
import { OBJECT_PREFIXES } from '../../functions/src/store/keys.ts';

export const ORIGINALS_PREFIX = OBJECT_PREFIXES.originals;
export const PHOTOS_PREFIX = OBJECT_PREFIXES.photos;
export const AREAS_PREFIX = OBJECT_PREFIXES.areas;
