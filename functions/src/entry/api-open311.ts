/** Lambda entry: the `open311` routes of the route table (Open311 GeoReport v2). */
import * as routes from '#http/open311/handlers';
import { functionHandler } from '#http/dispatch';

export const handler = functionHandler('open311', routes);
