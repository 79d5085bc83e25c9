/** What a command may touch of its process; nvote.ts is the only file that reads `process`. */
export interface CliIo {
  readonly stdout: { readonly isTTY?: boolean; write(text: string): unknown };
  readonly stderr: { readonly isTTY?: boolean; write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdinIsTTY: boolean;
  /** All of stdin, as UTF-8, once it ends. */
  readStdin(): Promise<string>;
}
