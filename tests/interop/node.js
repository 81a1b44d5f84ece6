'use strict';
// Starts an AkkaMq node for a test: a fresh store directory, listeners on free loopback
// ports, and the bound ports read back from the node's log.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

function nodeDll() {
  const dll = process.env.AKKAMQ_DLL || path.join(root, 'src', 'AkkaMq.Node', 'bin', 'Debug', 'net10.0', 'akkamq.dll');
  if (!fs.existsSync(dll)) {
    throw new Error(`${dll} not found: build the solution first (dotnet build AkkaMq.sln)`);
  }
  return dll;
}

class AkkaMqNode {
  /** extraConfig: HOCON placed after the node's settings, so it overrides them; name: the node's name. */
  constructor(dir, extraConfig = '', name = 'interop') {
    this.dir = dir;
    this.extraConfig = extraConfig;
    this.name = name;
    this.output = '';
    this.process = null;
    this.nameSrv = null;
    this.broker = null;
  }

  /** Starts (or restarts) the node on its store directory; resolves once it serves. */
  async start(timeoutMs = 60000) {
    const conf = path.join(this.dir, 'node.conf');
    fs.writeFileSync(conf, [
      'akkamq {',
      `  node-name = ${this.name}`,
      '  roles = [namesrv, broker, controller]',
      '  namesrv.listen = "127.0.0.1:0"',
      '  broker {',
      '    listen = "127.0.0.1:0"',
      '    advertise = "127.0.0.1:0"',
      `    store.dir = ${JSON.stringify(path.join(this.dir, 'store'))}`,
      '    store.commitlog-segment-size = 64m',
      '    replication.min-in-sync-replicas = 1',
      '    replication.listen = "127.0.0.1:0"',
      '    replication.advertise = "127.0.0.1:0"',
      '  }',
      '}',
      // A free port for the node's cluster endpoint, so runs never collide on 2552.
      'akka.remote.dot-netty.tcp.port = 0',
      this.extraConfig,
      '',
    ].join('\n'));
    this.output = '';
    this.process = spawn(process.env.DOTNET || 'dotnet', [nodeDll(), 'run', '--config', conf], { stdio: [ 'ignore', 'pipe', 'pipe' ] });
    this.process.stdout.on('data', d => { this.output += d; });
    this.process.stderr.on('data', d => { this.output += d; });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ns = /namesrv listening on (\S+)/.exec(this.output);
      const br = /broker listening on ([^\s,]+)/.exec(this.output);
      if (ns && br && this.output.includes(`Node ${this.name} started`)) {
        this.nameSrv = ns[1];
        this.broker = br[1];
        return this;
      }
      if (this.process.exitCode !== null || Date.now() > deadline) {
        throw new Error(`node did not start:\n${this.output}`);
      }
      await new Promise(r => setTimeout(r, 100));
    }
  }

  /** SIGTERM, and wait for the exit code (0 on a clean stop). */
  async stop() {
    if (!this.process || this.process.exitCode !== null) return this.process && this.process.exitCode;
    const exited = new Promise(r => this.process.once('exit', code => r(code)));
    this.process.kill('SIGTERM');
    return await exited;
  }

  /** SIGKILL, as a crash: no shutdown runs; resolves once the process is gone. */
  async kill() {
    if (!this.process || this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise(r => this.process.once('exit', () => r()));
    this.process.kill('SIGKILL');
    await exited;
  }

  /** Runs `akkamq admin <args> -n <this node>`; resolves with stdout, rejects on a non-zero exit. */
  admin(...args) {
    return new Promise((resolve, reject) => {
      const child = spawn(process.env.DOTNET || 'dotnet', [ nodeDll(), 'admin', ...args, '-n', this.nameSrv ], { stdio: [ 'ignore', 'pipe', 'pipe' ] });
      let out = '';
      let err = '';
      child.stdout.on('data', d => { out += d; });
      child.stderr.on('data', d => { err += d; });
      child.on('exit', code => (code === 0 ? resolve(out) : reject(new Error(`admin ${args.join(' ')} exited ${code}: ${err}`))));
    });
  }

  /** Creates a topic on the cluster, as ali-ons users do before sending (it does not auto-create). */
  async createTopic(topic, queues = 4) {
    await this.admin('updateTopic', '-c', 'DefaultCluster', '-t', topic, '-r', String(queues), '-w', String(queues));
  }

  static async create(extraConfig = '') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkamq-interop-'));
    return await new AkkaMqNode(dir, extraConfig).start();
  }

  // Options for an ali-ons producer or consumer of this node: a fresh instance name each, and
  // short offset-persist and rebalance intervals so tests see their effects quickly.
  clientOptions(extra) {
    return Object.assign({
      httpclient: noHttp,
      logger,
      nameSrv: this.nameSrv,
      instanceName: `interop-${process.pid}-${Math.random().toString(16).slice(2)}`,
      persistConsumerOffsetInterval: 1000,
      rebalanceInterval: 2000,
    }, extra);
  }

  async dispose() {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// ali-ons insists on an HTTP client for its cloud address lookup, which a configured
// nameSrv never uses; this one fails loudly if it ever is.
const noHttp = {
  request() { throw new Error('ali-ons tried an HTTP lookup; tests use nameSrv only'); },
};

// ali-ons logs every reconnect attempt of clients that outlive a stopped node; keep the test
// output readable unless AKKAMQ_INTEROP_VERBOSE is set.
const verbose = !!process.env.AKKAMQ_INTEROP_VERBOSE;
const quiet = () => {};
const logger = {
  debug: verbose ? console.debug : quiet,
  info: verbose ? console.info : quiet,
  warn: verbose ? console.warn : quiet,
  error: verbose ? console.error : quiet,
};

module.exports = { AkkaMqNode, noHttp, logger };
