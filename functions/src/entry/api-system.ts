/** Lambda entry: the `system` routes of the route table. */
import * as routes from '#http/handlers/system';
import { functionHandler } from '#http/dispatch';

export const handler = functionHandler('system', routes);
