package io.mqttlb.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code target/mqttlb.jar}. Exit codes: 0 success, 1 runtime failure,
 * 2 usage or configuration error.
 */
@Command(name = "mqttlb", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "MQTT-aware load balancer: sends every client to the same broker, from any node.",
    subcommands = {NodeCommand.class, DemoCommand.class, StatusCommand.class, RouteCommand.class,
        BrokersCommand.class, ModeCommand.class, TableCommand.class, RebalanceCommand.class, WhatIfCommand.class,
        ListenersCommand.class, LoadtestCommand.class, TierCommand.class})
public final class Main implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  public static void main(String[] args) {
    // picocli's defaults match our exit codes: 2 for invalid input, 1 for an exception in a command.
    int code = new CommandLine(new Main()).execute(args);
    System.exit(code);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.err);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"mqttlb " + (version == null ? "dev" : version)};
    }
  }
}
