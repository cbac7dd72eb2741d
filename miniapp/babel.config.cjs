/* global module */
// babel-preset-taro (React + TypeScript); @babel/preset-react comes in through it.
// https://docs.taro.zone/docs/next/babel-config
module.exports = {
  presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5' }]],
};
