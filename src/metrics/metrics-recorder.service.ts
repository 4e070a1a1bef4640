import { Injectable } from '@nestjs/common';
import { OnOrionEvent, type OrionEvents } from '../common/orion-events.js';
import { OrionMetrics } from './orion-metrics.js';

/** Turns the modules' events into counter and histogram updates. */
@Injectable()
export class MetricsRecorder {
  constructor(private readonly metrics: OrionMetrics) {}

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

  @OnOrionEvent('udp.datagram')
  onUdpDatagram({ result }: OrionEvents['udp.datagram']): void {
    this.metrics.udpDatagrams.inc({ result });
  }

  @OnOrionEvent('ws.frame')
  onWsFrame({ result }: OrionEvents['ws.frame']): void {
    this.metrics.wsFrames.inc({ result });
  }
}
