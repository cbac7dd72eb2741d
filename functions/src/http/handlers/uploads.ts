/** Direct uploads to object storage (flows/uploads holds the rules). */
import { startUpload, uploadStatus } from '#flows/uploads';
import type { Handler } from '#http/handler';

export const create: Handler<'uploads.create'> = async ({ user, body }) => ({ status: 201, body: await startUpload(user.id, body, new Date()) });

export const get: Handler<'uploads.get'> = async ({ user, params }) => ({ body: await uploadStatus(user.id, params.id, new Date()) });
