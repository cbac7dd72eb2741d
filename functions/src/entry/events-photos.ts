/** Lambda entry: S3 ObjectCreated for uploaded originals (strip metadata, resize). */
export { handler } from '#events/photos';
