/** Lambda entry: the `sweeper` row of the schedule table (time limits and surveys). */
import { handler as run } from '#events/sweeper';

export const handler = async () => run();
