import { Injectable, type OnModuleInit } from '@nestjs/common';
import { OnOrionEvent, OrionEventBus, type OrionEvents } from '../common/orion-events.js';
import type { Counter } from 'prom-client';
import { OrionMetrics } from './orion-metrics.js';

/** Turns the modules' events into counter and histogram updates. */
@Injectable()
export class MetricsRecorder implements OnModuleInit {
  constructor(
    private readonly metrics: OrionMetrics,
    private readonly events: OrionEventBus,
  ) {}

  onModuleInit(): void {
    // One event per datagram and per frame: plain listeners rather than @OnEvent.
    const countDatagram = byResult(this.metrics.udpDatagrams);
    this.events.on('udp.datagram', ({ result }) => countDatagram(result));
    const countFrame = byResult(this.metrics.wsFrames);
    this.events.on('ws.frame', ({ result }) => countFrame(result));
    const countRelayDatagram = byResult(this.metrics.relayDatagrams);
    this.events.on('relay.datagram', ({ result, bytes }) => {
      countRelayDatagram(result);
      if (result === 'relayed') this.metrics.relayBytes.inc(bytes);
    });
  }

  @OnOrionEvent('relay.sessionOpened')
  onRelaySessionOpened(): void {
    this.metrics.relaySessions.inc();
    this.metrics.relayPortsInUse.inc(2);
  }

  @OnOrionEvent('relay.sessionEnded')
  onRelaySessionEnded({ reason }: OrionEvents['relay.sessionEnded']): void {
    this.metrics.relaySessions.dec();
    this.metrics.relayPortsInUse.dec(2);
    this.metrics.relaySessionsEnded.inc({ reason });
  }

  @OnOrionEvent('relay.refused')
  onRelayRefused(): void {
    this.metrics.relayRefused.inc();
  }

  @OnOrionEvent('ws.closed')
  onWsClosed({ reason }: OrionEvents['ws.closed']): void {
    this.metrics.wsClosed.inc({ reason });
  }

  @OnOrionEvent('mediation.timerSkipped')
  onTimerSkipped(): void {
    this.metrics.timerSkipped.inc();
  }

  @OnOrionEvent('mediation.started')
  onMediationStarted(): void {
    this.metrics.mediationsStarted.inc();
  }

  @OnOrionEvent('mediation.phaseEnded')
  onPhaseEnded({ phase, durationMs }: OrionEvents['mediation.phaseEnded']): void {
    this.metrics.phaseDuration.observe({ phase, outcome: 'completed' }, durationMs / 1000);
  }

  @OnOrionEvent('mediation.ended')
  onMediationEnded({ reason, phase, phaseDurationMs }: OrionEvents['mediation.ended']): void {
    this.metrics.mediationsEnded.inc({ reason });
    const outcome = reason === 'succeeded' ? 'completed' : 'aborted';
    this.metrics.phaseDuration.observe({ phase, outcome }, phaseDurationMs / 1000);
  }

  @OnOrionEvent('lobby.left')
  onLobbyLeft(): void {
    this.metrics.lobbyLeaves.inc();
  }

  @OnOrionEvent('client.resumeAnswered')
  onResumeAnswered({ outcome }: OrionEvents['client.resumeAnswered']): void {
    this.metrics.clientResumes.inc({ outcome });
  }

  @OnOrionEvent('lobby.kicked')
  onLobbyKicked(): void {
    this.metrics.lobbyKicks.inc();
  }

  @OnOrionEvent('lobby.hostHandedOver')
  onHostHandedOver(): void {
    this.metrics.lobbyHostHandovers.inc();
  }

  @OnOrionEvent('http.connectionRefused')
  onHttpConnectionRefused({ reason }: OrionEvents['http.connectionRefused']): void {
    this.metrics.httpConnectionsRefused.inc({ reason });
  }
}

/** Increments `counter` by its `result` label, binding each label's child once. */
function byResult(counter: Counter<'result'>): (result: string) => void {
  const children = new Map<string, Counter.Internal>();
  return (result) => {
    let child = children.get(result);
    if (!child) children.set(result, (child = counter.labels(result)));
    child.inc();
  };
}
