import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bin } from './cli.js';

const ptyHelper = fileURLToPath(new URL('./run_in_pty.py', import.meta.url));

/**
 * The CLI in a real pseudo-terminal (through Python's pty module), for interactive commands:
 * type keys, wait for text on the screen, kill it like a crash would.
 */
export class Terminal {
  private readonly child: ChildProcess;
  private screen = '';
  private mark = 0;
  readonly pid: Promise<number>;
  readonly exited: Promise<number | null>;

  constructor(args: string[], cwd: string, size = { columns: 110, rows: 34 }) {
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
    delete env['NO_COLOR'];
    delete env['FORCE_COLOR'];
    this.child = spawn('python3', [ptyHelper, String(size.columns), String(size.rows), '--', process.execPath, bin, ...args], { cwd, env });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.screen += d));
    let err = '';
    this.pid = new Promise((resolve) => {
      this.child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        err += d;
        const m = /^(\d+)\n/.exec(err);
        if (m) resolve(Number(m[1]));
      });
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Screen output since the last wait, without escape sequences. */
  get text(): string {
    return strip(this.screen.slice(this.mark));
  }

  async waitFor(text: string, timeout = 10_000): Promise<void> {
    const start = Date.now();
    while (!this.text.includes(text)) {
      if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${JSON.stringify(text)}; screen:\n${this.text.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    this.mark = this.screen.length;
  }

  type(keys: string): void {
    this.child.stdin!.write(keys);
  }

  async kill9(): Promise<void> {
    process.kill(await this.pid, 'SIGKILL');
    await this.exited;
  }
}

function strip(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\x1b[()][A-Z0-9]/g, '');
}
