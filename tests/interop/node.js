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
  constructor(dir) {
    this.dir = dir;
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
      '  node-name = interop',
      '  roles = [namesrv, broker, controller]',
      '  namesrv.listen = "127.0.0.1:0"',
      '  broker {',
      '    listen = "127.0.0.1:0"',
      '    advertise = "127.0.0.1:0"',
      `    store.dir = ${JSON.stringify(path.join(this.dir, 'store'))}`,
      '    store.commitlog-segment-size = 64m',
      '    replication.min-in-sync-replicas = 1',
      '  }',
      '}',
      '',
    ].join('\n'));
    this.output = '';
    this.process = spawn(process.env.DOTNET || 'dotnet', [nodeDll(), 'run', '--config', conf], { stdio: [ 'ignore', 'pipe', 'pipe' ] });
    this.process.stdout.on('data', d => { this.output += d; });
    this.process.stderr.on('data', d => { this.output += d; });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ns = /namesrv listening on (\S+)/.exec(this.output);
      const br = /broker listening on (\S+)/.exec(this.output);
      if (ns && br && /Node interop started/.test(this.output)) {
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

  static async create() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkamq-interop-'));
    return await new AkkaMqNode(dir).start();
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

module.exports = { AkkaMqNode, noHttp };
