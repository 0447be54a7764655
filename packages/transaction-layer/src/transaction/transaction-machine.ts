import type { SipRequest } from '@trunkline/sip-parser';
import type { TimerValues } from '../timers.js';
import { Deadlines, newStep, type Step } from './common.js';

/** Inputs every transaction machine takes besides its messages. */
export type CommonEvent =
  /** The driver's clock reached the machine's `deadline`. */
  | { readonly type: 'timer' }
  /** The transport failed to deliver one of the machine's messages (§17.1.4, §17.2.4). */
  | { readonly type: 'transport-error' };

/**
 * What the four RFC 3261 §17 machines share: the timer values of their
 * transport, named deadlines, and one `step()` that
 * fires due timers in deadline order, reports transport errors, and hands
 * message inputs to the machine's own transition function. Each subclass keeps
 * all of its transitions (and their RFC citations) in its own file.
 */
export abstract class TransactionMachine<State extends string, Timer extends string, Input extends { readonly type: string }> {
  protected stateValue: State | 'terminated';
  protected readonly timers = new Deadlines<Timer>();

  /**
   * @param t timer values for the transport in use.
   * @param reliable true over TCP/TLS/WS: no retransmissions, wait timers zero.
   * @param initial the state the machine starts in.
   */
  constructor(
    protected readonly t: TimerValues,
    readonly reliable: boolean,
    initial: State,
  ) {
    this.stateValue = initial;
  }

  get state(): State | 'terminated' {
    return this.stateValue;
  }

  /** Earliest armed timer, or null when none is armed. */
  get deadline(): number | null {
    return this.timers.next;
  }

  /** Sends the request (client) or passes it to the TU (server), arming the first timers. */
  abstract start(now: number): Step;

  /**
   * How a client transaction starts (§17.1.1.2, §17.1.2.2): the request goes
   * out, the retransmission timer is armed on unreliable transports only, and
   * the transaction timeout always.
   */
  protected sendRequest(request: SipRequest, now: number, retransmit: Timer, interval: number, timeout: Timer, timeoutAfter: number): Step {
    const out = newStep();
    out.send.push(request);
    if (!this.reliable) this.timers.set(retransmit, now + interval);
    this.timers.set(timeout, now + timeoutAfter);
    return out;
  }

  step(event: Input | CommonEvent, now: number): Step {
    const out = newStep();
    switch (event.type) {
      case 'timer':
        for (let fired = this.timers.takeDue(now); fired !== null; fired = this.timers.takeDue(now)) {
          this.onTimer(fired, now, out);
        }
        break;
      case 'transport-error':
        if (this.stateValue !== 'terminated' && this.transportErrorEnds()) {
          out.events.push({ type: 'transport-error' });
          this.terminate(out);
        }
        break;
      default:
        this.onInput(event as Input, now, out);
    }
    return out;
  }

  /** The machine's transitions for message inputs. */
  protected abstract onInput(event: Input, now: number, out: Step): void;

  /** The machine's transitions for one fired timer. */
  protected abstract onTimer(timer: Timer, now: number, out: Step): void;

  /** Whether a transport error in the current state ends the transaction. */
  protected abstract transportErrorEnds(): boolean;

  protected terminate(out: Step): void {
    this.stateValue = 'terminated';
    this.timers.clearAll();
    out.events.push({ type: 'terminated' });
  }
}
