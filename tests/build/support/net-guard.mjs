/* global process */
/**
 * Keeps a process off the network: any TCP/TLS connection to a host that is not this machine's
 * loopback is refused (the socket errors at once, no DNS lookup happens) and written down, one
 * line `host:port` per attempt, to the file named by WEAPP_NET_LOG (when set).
 *
 * Imported by tests/build/support/miniprogram-ci.ts for the test process, and put into the
 * compiler process miniprogram-ci forks with NODE_OPTIONS="--import <this file>", so a test can
 * assert that neither tried to reach WeChat's servers.
 */
import { appendFileSync } from 'node:fs';
import net from 'node:net';

if (process.env.WEAPP_NET_LOG) appendFileSync(`${process.env.WEAPP_NET_LOG}.procs`, `${process.argv[1] ?? process.argv0}\n`);

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const connect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function guardedConnect(...args) {
  const [first, second] = args;
  const options = Array.isArray(first) ? first[0] : first; // net's own normalized [options, cb]
  let host, port, pipe;
  if (typeof options === 'object' && options !== null) [host, port, pipe] = [options.host ?? 'localhost', options.port, options.path];
  else if (typeof options === 'number' || /^\d+$/.test(String(options))) [host, port] = [typeof second === 'string' ? second : 'localhost', options];
  else pipe = options;
  // net connects to a unix socket / named pipe when `path` is set, else over TCP to host:port
  if (pipe || LOOPBACK.test(String(host))) return connect.apply(this, args);
  const where = `${host}:${port}`;
  if (process.env.WEAPP_NET_LOG) appendFileSync(process.env.WEAPP_NET_LOG, `${where}\n`);
  process.nextTick(() => this.destroy(new Error(`offline: the test's net guard refused a connection to ${where}`)));
  return this;
};
