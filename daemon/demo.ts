// The demo's patient: with the simulated card driver, a card is placed every few seconds, on
// Enter, or on a publish to <base>/demo/checkin, and taken back once its check-in is done.
import type { CardReader } from '../drivers/card/card-reader.js';
import type { CheckinEvent } from './flow/checkin-event.js';
import type { Gateway } from './gateway.js';

interface SimulatedCards {
  insert(profileId?: string): void;
  remove(): void;
  profiles(): string[];
}

function simulated(reader: CardReader): (CardReader & SimulatedCards) | null {
  const candidate = reader as CardReader & Partial<SimulatedCards>;
  return typeof candidate.insert === 'function' && typeof candidate.remove === 'function' && typeof candidate.profiles === 'function'
    ? (candidate as CardReader & SimulatedCards)
    : null;
}

export interface Demo {
  trigger(profileId?: string): boolean;
  stop(): void;
}

export function startDemo(gateway: Gateway, intervalSeconds: number, onCheckin: (event: CheckinEvent) => void): Demo {
  // Every reader of the gateway with the simulated card (several with `readers:`): a trigger
  // places the card on the next free reader in turn.
  const desks = gateway.desks.map((desk) => ({ desk, cards: simulated(desk.devices.card), busy: false }))
    .filter((d): d is { desk: typeof d.desk; cards: CardReader & SimulatedCards; busy: boolean } => d.cards !== null);
  if (desks.length === 0) throw new Error('the demo needs card.driver: sim');
  const profiles = new Set(desks[0]!.cards.profiles());
  let next = 0;
  const timers = new Set<NodeJS.Timeout>();

  const trigger = (profileId?: string): boolean => {
    if (profileId !== undefined && !profiles.has(profileId)) return false;
    for (let i = 0; i < desks.length; i++) {
      const d = desks[(next + i) % desks.length]!;
      if (d.busy || d.desk.state !== 'idle') continue;
      next = (next + i + 1) % desks.length;
      d.busy = true;
      d.cards.insert(profileId);
      return true;
    }
    return false;
  };

  gateway.bus.on('checkin', (event) => {
    onCheckin(event);
    const d = desks.find((x) => x.desk.id === event.readerId);
    if (!d) return;
    // The patient reads the screen, then takes the card back.
    const timer = setTimeout(() => {
      timers.delete(timer);
      d.cards.remove();
      d.busy = false;
    }, 1500);
    timers.add(timer);
  });

  const demoTopic = gateway.topics.demoCheckin;
  gateway.mqtt.subscribe(demoTopic, { qos: 1 });
  gateway.mqtt.on('message', (topic, payload) => {
    if (topic !== demoTopic) return;
    let profile: string | undefined;
    try {
      const body = payload.length > 0 ? (JSON.parse(payload.toString('utf8')) as unknown) : {};
      if (body && typeof body === 'object' && 'profile' in body && typeof body.profile === 'string') profile = body.profile;
    } catch {
      gateway.logger.warn({ topic }, 'demo trigger ignored: payload is not JSON');
      return;
    }
    if (!trigger(profile)) gateway.logger.warn({ topic }, 'demo trigger ignored: a check-in is running or the profile is unknown');
  });

  if (intervalSeconds > 0) {
    const interval = setInterval(() => trigger(), intervalSeconds * 1000);
    timers.add(interval);
  }

  return {
    trigger,
    stop: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
