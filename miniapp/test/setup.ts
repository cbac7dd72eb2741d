import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

// the h5 build's environment: TARO_ENV is replaced at build time
process.env.TARO_ENV = 'h5';
afterEach(() => cleanup());
