/** Lambda entry: the `areas` routes of the route table. */
import * as routes from '#http/handlers/areas';
import { functionHandler } from '#http/dispatch';

export const handler = functionHandler('areas', routes);
