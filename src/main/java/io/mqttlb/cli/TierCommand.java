package io.mqttlb.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mqttlb tier ...}: helpers for a tier of nodes on one machine; today {@code tier write}. */
@Command(name = "tier", mixinStandardHelpOptions = true,
    description = "Write the configuration files of a local tier (nodes on 127.0.0.1).",
    subcommands = TierWriteCommand.class)
final class TierCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.err);
  }
}
