import type { TransactionManager, TransactionOutput } from '../../src/transaction/transaction-manager.js';
import type { SimNetwork, SimNode } from './sim-network.js';

/** A simulated endpoint whose transaction user is a script: one handler for every output. */
export class ScriptedNode implements SimNode {
  readonly seen: TransactionOutput[] = [];

  constructor(
    readonly name: string,
    readonly manager: TransactionManager,
    private readonly script: (out: TransactionOutput, sim: SimNetwork, self: ScriptedNode) => void = () => {},
  ) {}

  onOutput(out: TransactionOutput, sim: SimNetwork): void {
    this.seen.push(out);
    this.script(out, sim, this);
  }
}
