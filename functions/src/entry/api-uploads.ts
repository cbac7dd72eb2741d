/** Lambda entry: the `uploads` routes of the route table. */
import * as routes from '#http/handlers/uploads';
import { functionHandler } from '#http/dispatch';

export const handler = functionHandler('uploads', routes);
