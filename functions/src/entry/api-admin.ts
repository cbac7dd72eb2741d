/** Lambda entry: the `admin` routes of the route table. */
import * as routes from '#http/handlers/admin';
import { functionHandler } from '#http/dispatch';

export const handler = functionHandler('admin', routes);
