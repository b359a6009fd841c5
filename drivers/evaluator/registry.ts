/**
 * Evaluator protocols by name (`?protocol=NAME` in the device URI); the first is the default.
 * Adding a vendor: one file in protocols/ and its name in this list.
 */
import { ProtocolRegistry } from '../bus/protocol-registry.js';
import type { EvaluatorProtocol } from './protocol.js';
import { evalFrameProtocol } from './protocols/eval-frame.js';

export const evaluatorProtocols = new ProtocolRegistry<EvaluatorProtocol>('evaluator protocol', 'UNKNOWN_EVALUATOR_PROTOCOL', [evalFrameProtocol]);
