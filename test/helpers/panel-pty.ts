// The socat pty pair the panel tests run on (it lives with the simulator, which the 'pty' panel
// driver also uses).
export { ptyPair, type PtyPair } from '../../drivers/panel/sim/socat-pty.js';
