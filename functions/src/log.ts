/** One structured JSON logger (Powertools). Log ids and codes; never bodies, phones or tokens. */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'weishibao', logLevel: (process.env.LOG_LEVEL ?? 'INFO') as 'INFO' });
