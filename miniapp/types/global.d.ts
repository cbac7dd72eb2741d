/// <reference types="@tarojs/taro" />
declare module '*.png';
declare module '*.svg';
declare module '*.css';

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production' | 'test';
    TARO_ENV: 'weapp' | 'h5' | string;
    TARO_APP_API_BASE?: string;
  }
}

/** API origin, set at build time (config/index.ts defineConstants); '' on h5 = same origin. */
declare const API_BASE: string;
