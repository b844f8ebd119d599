package dev.mmapkit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mmapkit ipc ...}: tools for the ring buffers of the {@code ipc} module. */
@Command(
    name = "ipc",
    description = "Inspect inter-process ring buffers.",
    subcommands = {IpcStatCommand.class})
final class IpcCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }
}
