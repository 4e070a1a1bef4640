import { Module } from '@nestjs/common';
import { ProbeCommand } from './probe.command.js';
import { ServeCommand } from './serve.command.js';
import { SimulateCommand } from './simulate.command.js';

@Module({ providers: [ServeCommand, ProbeCommand, SimulateCommand] })
export class CliModule {}
